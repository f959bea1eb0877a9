import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ClusterBinaries } from '../../cluster/binaries';
import { resolveClusterBinaries } from '../../cluster/binaries';
import type { Cluster } from '../../stack/cluster-stack';
import { createCluster } from '../../stack/cluster-stack';
import { clusterPaths } from '../../cluster/paths';
import { freeLoopbackPort } from '../../scripts/ports';

export interface TestCluster {
  cluster: Cluster;
  binaries: ClusterBinaries;
  /** An empty env file: `KYC_ENV_FILE` for every process, so none reads the developer's `.env`. */
  emptyEnv: string;
  /** This process's environment without any engine setting, for the processes a test starts. */
  inherited: Record<string, string>;
  /** Stops the cluster and removes its folder. */
  stop(): Promise<void>;
}

/** What a test's own processes must not inherit from the developer's shell. */
const ENGINE_SETTING = /^(KYC_|KRIPTOMAT_|SUMSUB_|TEMPORAL_|PARTNER_|LOG_LEVEL$)/;

/**
 * PostgreSQL and a registered Temporal server (stack/cluster-stack.ts, temporalOnly) in a folder of the test's own
 * under /var/tmp (not a 0700 home: PostgreSQL runs as the postgres user, which must reach it), on a free
 * frontend port, reading no `.env`. The test brings its workers and simulators.
 */
export async function startTestCluster(name: string, log: (line: string) => void): Promise<TestCluster> {
  const binaries = await resolveClusterBinaries({ log });
  const dir = `/var/tmp/kyc-${name}-test-${randomBytes(4).toString('hex')}`;
  await fs.mkdir(dir, { recursive: true });
  const emptyEnv = path.join(dir, 'empty.env');
  await fs.writeFile(emptyEnv, '');
  // Read by createCluster (environmentWithDotenv).
  process.env.TEMPORAL_PORT = String(await freeLoopbackPort());
  process.env.KYC_ENV_FILE = emptyEnv;
  const { cluster, started } = createCluster({
    paths: clusterPaths({ ...process.env, KYC_CLUSTER_DIR: path.join(dir, 'cluster') }),
    log,
    temporalOnly: true,
  });
  const stop = async () => {
    await cluster.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
  try {
    await started;
  } catch (error) {
    await stop();
    throw error;
  }
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !ENGINE_SETTING.test(entry[0]),
    ),
  );
  return { cluster, binaries, emptyEnv, inherited, stop };
}
