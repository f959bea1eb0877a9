/**
 * The Temporal server of a stack: the CLI's dev server (SQLite, one process: `npm start`, the bench, the chaos
 * run), or the cluster's in compose's order: PostgreSQL (or DATABASE_URL's), the schema job, the server, the
 * registration job (`npm run cluster`, the bench and chaos runs on the cluster, the cluster tests).
 */
import { parse } from 'dotenv';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { ClusterBinaries } from '../cluster/binaries';
import { resolveClusterBinaries } from '../cluster/binaries';
import type { ClusterPaths } from '../cluster/paths';
import type { RunningDatabase } from '../cluster/postgres';
import { externalDatabase, startLocalDatabase } from '../cluster/postgres';
import type { RunningTemporal } from '../cluster/temporal';
import { register, setupSchema, startServer } from '../cluster/temporal';
import type { DevServerOptions, RunningDevServer } from './dev-server';
import { startDevServer } from './dev-server';
import { writeLocalEnv } from './local-env';
import { portSetting } from './port-settings';
import type { Stack } from './stack';

/** The namespace every stack registers and runs its cases in. */
export const NAMESPACE = 'default';

/** The CLI's dev server, with the project's search attributes registered. */
export async function startDevTemporal(stack: Stack, options: DevServerOptions): Promise<RunningDevServer> {
  const server = await startDevServer({ namespace: NAMESPACE, ...options });
  stack.onStop('the Temporal dev server', () => server.stop());
  return server;
}

export interface ClusterTemporal {
  binaries: ClusterBinaries;
  db: RunningDatabase;
  temporal: RunningTemporal;
  /** What the env file keeps from run to run: the password of the PostgreSQL data dir this cluster made. */
  persistent: Record<string, string>;
}

/**
 * The cluster's PostgreSQL and a registered Temporal server on it, from the same deploy/temporal files compose
 * uses. The frontend listens on `TEMPORAL_PORT` (7233 by default); the cluster dir keeps the data.
 */
export async function startClusterTemporal(
  stack: Stack,
  paths: ClusterPaths,
  env: NodeJS.ProcessEnv,
): Promise<ClusterTemporal> {
  const { log } = stack;
  await fs.mkdir(paths.logDir, { recursive: true });
  await fs.chmod(paths.root, 0o755); // the postgres user must pass through it to its own directory

  log('finding or building the Temporal server, its SQL tool and the UI server (cached after the first run)');
  const binaries = await resolveClusterBinaries({ log });
  stack.checkpoint();

  // The DB password is kept with the data it opens: made on the first run, read back from the env file.
  const previous = await fs.readFile(paths.envFile).then(
    (text) => parse(text),
    (): Record<string, string> => ({}),
  );
  const dbPassword =
    env.TEMPORAL_DB_PASSWORD ?? previous.TEMPORAL_DB_PASSWORD ?? randomBytes(18).toString('base64url');
  const persistent: Record<string, string> = env.DATABASE_URL ? {} : { TEMPORAL_DB_PASSWORD: dbPassword };
  // Written before initdb, so a run killed right after it cannot lose the password of the new data dir.
  await writeLocalEnv(paths.root, persistent, env);

  const db = env.DATABASE_URL
    ? externalDatabase(env.DATABASE_URL)
    : await startLocalDatabase(paths, dbPassword, log);
  stack.onStop('PostgreSQL', () => db.stop('fast'));
  stack.checkpoint();

  log('creating or migrating the temporal and temporal_visibility schemas (deploy/temporal/setup-schema.sh)');
  await setupSchema(binaries, db.access, paths.logDir);
  stack.checkpoint();

  log('starting the Temporal server (deploy/temporal/start-server.sh, server.yaml.tmpl)');
  const temporal = await startServer(
    binaries,
    db.access,
    paths.logDir,
    portSetting(env, 'TEMPORAL_PORT', 7233),
  );
  stack.onStop('the Temporal server', () => temporal.server.stop());
  stack.checkpoint();

  log('registering the namespace and search attributes (deploy/temporal/register.sh)');
  await register(binaries, temporal.address, NAMESPACE, paths.logDir);
  stack.checkpoint();
  return { binaries, db, temporal, persistent };
}
