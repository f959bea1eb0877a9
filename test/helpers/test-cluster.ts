import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ClusterBinaries } from '../../cluster/binaries';
import type { ClusterPaths } from '../../cluster/paths';
import { clusterPaths } from '../../cluster/paths';
import type { RunningDatabase } from '../../cluster/postgres';
import { freeLoopbackPort } from '../../worker/free-port';
import { Stack } from '../../stack/stack';
import { withoutEngineSettings } from '../../stack/engine-env';
import { startClusterTemporal } from '../../stack/temporal';

export interface TestCluster {
  /** Where the test's cluster runs: the frontend's address, its folders, its PostgreSQL. */
  cluster: { address: string; paths: ClusterPaths; db: RunningDatabase };
  binaries: ClusterBinaries;
  /** An empty env file: `KYC_ENV_FILE` for every process, so none reads the developer's `.env`. */
  emptyEnv: string;
  /** This process's environment without any engine setting, for the processes a test starts. */
  inherited: Record<string, string>;
  /** Stops the cluster and removes its folder. */
  stop(): Promise<void>;
}

/**
 * PostgreSQL and a registered Temporal server (stack/temporal.ts, startClusterTemporal) in a folder of the
 * test's own under /var/tmp (not a 0700 home: PostgreSQL runs as the postgres user, which must reach it), on a
 * free frontend port, reading no `.env`. The test brings its workers and simulators.
 */
export async function startTestCluster(name: string, log: (line: string) => void): Promise<TestCluster> {
  const dir = `/var/tmp/kyc-${name}-test-${randomBytes(4).toString('hex')}`;
  await fs.mkdir(dir, { recursive: true });
  const emptyEnv = path.join(dir, 'empty.env');
  await fs.writeFile(emptyEnv, '');
  const env = { ...process.env, TEMPORAL_PORT: String(await freeLoopbackPort()), KYC_ENV_FILE: emptyEnv };
  const paths = clusterPaths({ ...env, KYC_CLUSTER_DIR: path.join(dir, 'cluster') });
  const stack = new Stack({ log });
  const stop = async () => {
    await stack.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
  try {
    const { binaries, db, temporal } = await startClusterTemporal(stack, paths, env);
    const inherited = withoutEngineSettings();
    return { cluster: { address: temporal.address, paths, db }, binaries, emptyEnv, inherited, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
