/**
 * Brings the production topology up on this machine as plain processes, in compose's order: PostgreSQL, the
 * schema job, the Temporal server, the registration job, then the engine (two API replicas behind a balancer,
 * two workers), the UI server and, without real vendor credentials, the simulators. Returns the running
 * cluster with an ordered stop: APIs, workers, UI, simulators, balancer, server, PostgreSQL.
 */
import { parse } from 'dotenv';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { environmentWithDotenv } from '../config';
import type { RunningSandbox } from '../sandbox/start-sandbox';
import type { Balancer } from '../cluster/balancer';
import { startBalancer } from '../cluster/balancer';
import { resolveClusterBinaries } from '../cluster/binaries';
import type { ClusterPaths } from '../cluster/paths';
import type { RunningDatabase } from '../cluster/postgres';
import { engineDatabaseUrl, externalDatabase, startLocalDatabase } from '../cluster/postgres';
import { setCurrentVersion } from '../cluster/rollout';
import type { RunningTemporal } from '../cluster/temporal';
import { register, setupSchema, startServer, startUi } from '../cluster/temporal';
import { freeLoopbackPort, isPortFree, stableLoopbackPort } from '../scripts/ports';
import { engineEnvironment } from './engine-env';
import { writeLocalEnv } from './local-env';
import type { EngineProcess } from './processes';
import { startApiProcess, startWorker, workerVersionEnv } from './processes';
import { startSimulators } from './simulators';

export const NAMESPACE = 'default';
export const TASK_QUEUE = 'kyc';
export const REPLICAS = 2;
const HOST = '127.0.0.1';

export interface ClusterOptions {
  paths: ClusterPaths;
  log: (line: string) => void;
  /** Asked between steps: true ends the start early (what has started is stopped by the caller's stop()). */
  stopRequested?: () => boolean;
  /**
   * Only PostgreSQL and a registered Temporal server: for runs that bring their own engine processes and
   * simulators (the chaos run's faulty ones, the bench's skeleton worker).
   */
  temporalOnly?: boolean;
}

export interface Cluster {
  paths: ClusterPaths;
  /** The balancer in front of both APIs: the URL partners, webhooks and the UI's codec calls use. */
  apiUrl: string;
  address: string;
  uiUrl: string | null;
  db: RunningDatabase | null;
  temporal: RunningTemporal | null;
  apis: EngineProcess[];
  workers: EngineProcess[];
  balancer: Balancer | null;
  sandbox: RunningSandbox | null;
  /** The engine's env file (secrets, addresses). */
  envFile: string;
  /** Stops everything started, in order; safe to call more than once and after a failed start. */
  stop(): Promise<void>;
}

/** The start was interrupted by a stop request; the partial cluster is stopped by the caller. */
export class StartInterrupted extends Error {}

/**
 * Starts the cluster into `cluster` step by step, so that whatever has started is in it (and stopped by its
 * stop()) when a step fails or a stop is asked midway.
 */
export function createCluster(options: ClusterOptions): { cluster: Cluster; started: Promise<void> } {
  const { paths, log } = options;
  const stops: { name: string; stop: () => Promise<void> }[] = [];
  let stopping: Promise<void> | undefined;
  const cluster: Cluster = {
    paths,
    apiUrl: '',
    address: '',
    uiUrl: null,
    db: null,
    temporal: null,
    apis: [],
    workers: [],
    balancer: null,
    sandbox: null,
    envFile: paths.envFile,
    stop: () =>
      (stopping ??= (async () => {
        for (const { name, stop } of stops.reverse()) {
          log(`stopping ${name}`);
          await stop().catch((error: unknown) => log(`while stopping ${name}: ${String(error)}`));
        }
      })()),
  };
  const checkpoint = (): void => {
    if (options.stopRequested?.() || stopping) throw new StartInterrupted();
  };
  const started = (async () => {
    const env = environmentWithDotenv();
    await fs.mkdir(paths.logDir, { recursive: true });
    await fs.chmod(paths.root, 0o755); // the postgres user must pass through it to its own directory

    log(
      'finding or building the Temporal server, its SQL tool and the UI server (cached after the first run)',
    );
    const binaries = await resolveClusterBinaries({ log });
    checkpoint();

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
    cluster.db = db;
    stops.push({ name: 'PostgreSQL', stop: () => db.stop('fast') });
    checkpoint();

    log(
      'creating or migrating the temporal and temporal_visibility schemas (deploy/temporal/setup-schema.sh)',
    );
    await setupSchema(binaries, db.access, paths.logDir);
    checkpoint();

    log('starting the Temporal server (deploy/temporal/start-server.sh, server.yaml.tmpl)');
    const temporal = await startServer(
      binaries,
      db.access,
      paths.logDir,
      portSetting(env, 'TEMPORAL_PORT', 7233),
    );
    cluster.temporal = temporal;
    cluster.address = temporal.address;
    stops.push({ name: 'the Temporal server', stop: () => temporal.server.stop() });
    checkpoint();

    log('registering the namespace and search attributes (deploy/temporal/register.sh)');
    await register(binaries, temporal.address, NAMESPACE, paths.logDir);
    checkpoint();
    if (options.temporalOnly) return;

    // Outside the ephemeral range: listened on seconds later (and again after a replica restarts), they must
    // not be taken meanwhile as some outgoing connection's source port (scripts/ports.ts).
    const first = await stableLoopbackPort();
    const apiPorts = [first, await stableLoopbackPort([first])];
    const balancer = await startBalancer(await preferred(portSetting(env, 'KYC_API_PORT', 8080)), apiPorts);
    cluster.balancer = balancer;
    cluster.apiUrl = balancer.url;
    stops.push({ name: 'the API balancer', stop: () => balancer.close() });

    const connection = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      KYC_API_URL: balancer.url,
      // Both workers (and one started by hand from the env file) share the vendors' limits through the
      // engine's database, which setup-schema.sh created beside Temporal's: see "Vendor limits" in README.md.
      KYC_DATABASE_URL: env.KYC_DATABASE_URL ?? engineDatabaseUrl(db.access),
    };
    const local = await writeLocalEnv(paths.root, { ...connection, ...persistent }, env);

    const sandboxMode = !env.KRIPTOMAT_BASE_URL;
    if (sandboxMode) {
      const sandbox = await startSimulators(
        balancer.url,
        {
          kriptomat: await preferred(portSetting(env, 'KRIPTOMAT_SIM_PORT', 8081), 0),
          sumsub: await preferred(portSetting(env, 'SUMSUB_SIM_PORT', 8082), 0),
        },
        local.secrets.KRIPTOMAT_WEBHOOK_TOKEN,
      );
      cluster.sandbox = sandbox;
      stops.push({ name: 'the simulators', stop: () => sandbox.close() });
    }
    checkpoint();

    log('starting the Temporal UI (deploy/temporal/ui.yaml.tmpl)');
    const { ui, url: uiUrl } = await startUi(binaries, {
      address: temporal.address,
      port: portSetting(env, 'TEMPORAL_UI_PORT', 8233),
      codecEndpoint: `${balancer.url}/codec`,
      namespace: NAMESPACE,
      logDir: paths.logDir,
    });
    cluster.uiUrl = uiUrl;
    stops.push({ name: 'the Temporal UI', stop: () => ui.stop() });
    checkpoint();

    const uiOrigins = [uiUrl, uiUrl.replace(HOST, 'localhost')].join(',');
    const engineEnv = engineEnvironment(env, cluster.sandbox, {
      ...connection,
      ...local.secrets,
      KYC_CODEC_CORS_ORIGINS: env.KYC_CODEC_CORS_ORIGINS ?? uiOrigins,
    });
    // Worker Versioning (docs/rolling-deploys.md): both workers poll as this deployment version.
    const version = await workerVersionEnv(env);

    log(`starting ${REPLICAS} workers and ${REPLICAS} API replicas (each worker bundles the workflow code)`);
    const workers = await Promise.allSettled(
      [1, 2].map(async (index) =>
        startWorker(
          index,
          { ...engineEnv, ...version },
          { metrics: await freeLoopbackPort(), sdkMetrics: await freeLoopbackPort() },
          paths.logDir,
        ),
      ),
    );
    const apis = await Promise.allSettled(
      apiPorts.map((port, i) => startApiProcess(i + 1, engineEnv, port, paths.logDir)),
    );
    // Pushed in this order so that the stop ends the APIs first, then the workers.
    for (const [list, outcome, what] of [
      [cluster.workers, workers, 'worker'],
      [cluster.apis, apis, 'API'],
    ] as const) {
      for (const result of outcome) {
        if (result.status !== 'fulfilled') continue;
        const slot = list.push(result.value) - 1;
        // By slot, not by process: rollOut (cluster/rollout.ts) replaces the entries in place.
        stops.push({
          name: `${result.value.child.name}`,
          stop: () => (list[slot] ?? result.value).child.stop(),
        });
      }
      const failure = outcome.find((result) => result.status === 'rejected');
      if (failure) throw new Error(`a ${what} did not start: ${String(failure.reason)}`);
    }
    // Versioned workers get no task until their version is current: this run's workflow code becomes
    // current (a restart with changed workflow code is a deploy; open cases continue on it via patched()).
    const { KYC_WORKER_DEPLOYMENT_NAME: deploymentName, KYC_WORKER_BUILD_ID: buildId } = version;
    log(
      `making ${deploymentName}/${buildId} the current worker version (deploy/temporal/set-current-version.sh)`,
    );
    await setCurrentVersion(
      { address: temporal.address, namespace: NAMESPACE, cli: binaries.cli, logDir: paths.logDir },
      { deploymentName, buildId },
    );
  })();
  return { cluster, started };
}

function portSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  const port = raw ? Number(raw) : fallback;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${raw} is not a port`);
  return port;
}

/** `port` when free, else `fallback` (0: any free port chosen by the listener), else a free one now. */
async function preferred(port: number, fallback?: number): Promise<number> {
  if (await isPortFree(port, HOST)) return port;
  return fallback ?? freeLoopbackPort();
}
