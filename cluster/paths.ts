/**
 * Where a cluster keeps its state: PostgreSQL's data, the engine's secrets, the processes' logs. Outside the
 * repository and outside /root: PostgreSQL runs as the `postgres` user, which cannot enter /root (mode 700),
 * where `~/.cache` and usually the checkout live. /var/tmp survives reboots (unlike /tmp on many systems),
 * so a second run finds its cases.
 */
import os from 'node:os';
import path from 'node:path';

export interface ClusterPaths {
  root: string;
  /** The engine's env file (secrets made once, 0600): `set -a; . <it>; set +a`. */
  envFile: string;
  /** Owned by the PostgreSQL user, 0700: its socket, its log and the data directory. */
  pgDir: string;
  pgData: string;
  pgLog: string;
  /** One log file per process (server, UI, workers, APIs). */
  logDir: string;
}

/** KYC_CLUSTER_DIR, else /var/tmp/kyc-orchestrator-cluster (root) or a per-user state dir. */
export function clusterPaths(env: NodeJS.ProcessEnv = process.env): ClusterPaths {
  const root = path.resolve(
    env.KYC_CLUSTER_DIR ||
      (process.getuid?.() === 0
        ? '/var/tmp/kyc-orchestrator-cluster'
        : path.join(
            env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state'),
            'kyc-orchestrator-cluster',
          )),
  );
  const pgDir = path.join(root, 'postgres');
  return {
    root,
    envFile: path.join(root, 'kyc.env'),
    pgDir,
    pgData: path.join(pgDir, 'data'),
    pgLog: path.join(pgDir, 'postgres.log'),
    logDir: path.join(root, 'logs'),
  };
}
