/**
 * Brings the production topology up on this machine as plain processes, in compose's order: PostgreSQL, the
 * schema job, the Temporal server, the registration job (./temporal.ts), then the engine (two API replicas
 * behind a balancer, two workers), the UI server and, without real vendor credentials, the simulators. Returns
 * the running cluster with an ordered stop: APIs, workers, UI, simulators, balancer, server, PostgreSQL.
 */
import { environmentWithDotenv } from '../config';
import type { RunningSandbox } from '../sandbox/start-sandbox';
import type { Balancer } from '../cluster/balancer';
import { startBalancer } from '../cluster/balancer';
import type { ClusterBinaries } from '../cluster/binaries';
import type { ClusterPaths } from '../cluster/paths';
import type { RunningDatabase } from '../cluster/postgres';
import { engineDatabaseUrl } from '../cluster/postgres';
import { setCurrentVersion } from '../cluster/rollout';
import type { RunningTemporal } from '../cluster/temporal';
import { startUi } from '../cluster/temporal';
import { freeLoopbackPort } from '../worker/free-port';
import { stableLoopbackPort } from './ports';
import { engineEnvironment } from './engine-env';
import { writeLocalEnv } from './local-env';
import { portSetting, preferred } from './port-settings';
import type { EngineProcess } from './processes';
import { startApiProcess, startWorker, workerVersionEnv } from './processes';
import { startSimulators } from './simulators';
import { Stack } from './stack';
import { namedStops } from './stops';
import { NAMESPACE, startClusterTemporal } from './temporal';

export const TASK_QUEUE = 'kyc';
export const REPLICAS = 2;
const HOST = '127.0.0.1';

export interface ClusterOptions {
  paths: ClusterPaths;
  log: (line: string) => void;
  /** Asked between steps: true ends the start early (what has started is stopped by the caller's stop()). */
  stopRequested?: () => boolean;
}

export interface Cluster {
  paths: ClusterPaths;
  /** The balancer in front of both APIs: the URL partners, webhooks and the UI's codec calls use. */
  apiUrl: string;
  address: string;
  uiUrl: string | null;
  /** The server, its SQL tool, the UI server and the CLI this cluster runs (null until found). */
  binaries: ClusterBinaries | null;
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

/**
 * Starts the cluster into `cluster` step by step, so that whatever has started is in it (and stopped by its
 * stop()) when a step fails or a stop is asked midway.
 */
export function createCluster(options: ClusterOptions): { cluster: Cluster; started: Promise<void> } {
  const { paths, log } = options;
  const stack = new Stack({
    log,
    ...(options.stopRequested && { stopRequested: options.stopRequested }),
    reports: namedStops(log),
  });
  const cluster: Cluster = {
    paths,
    apiUrl: '',
    address: '',
    uiUrl: null,
    binaries: null,
    db: null,
    temporal: null,
    apis: [],
    workers: [],
    balancer: null,
    sandbox: null,
    envFile: paths.envFile,
    stop: () => stack.stop(),
  };
  const started = (async () => {
    const env = environmentWithDotenv();
    const { binaries, db, temporal, persistent } = await startClusterTemporal(stack, paths, env);
    Object.assign(cluster, { binaries, db, temporal, address: temporal.address });

    // Outside the ephemeral range: listened on seconds later (and again after a replica restarts), they must
    // not be taken meanwhile as some outgoing connection's source port (stack/ports.ts).
    const first = await stableLoopbackPort();
    const apiPorts = [first, await stableLoopbackPort([first])];
    const balancer = await startBalancer(await preferred(portSetting(env, 'KYC_API_PORT', 8080)), apiPorts);
    cluster.balancer = balancer;
    cluster.apiUrl = balancer.url;
    stack.onStop('the API balancer', () => balancer.close());

    const connection = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      KYC_API_URL: balancer.url,
      // Both workers (and one started by hand from the env file) share the vendors' limits through the
      // engine's database, which setup-schema.sh created beside Temporal's (docs/vendor-apis.md, "Limits
      // shared by replicas").
      KYC_DATABASE_URL: env.KYC_DATABASE_URL ?? engineDatabaseUrl(db.access),
    };
    const local = await writeLocalEnv(paths.root, { ...connection, ...persistent }, env);

    const sandboxMode = !env.KRIPTOMAT_BASE_URL;
    if (sandboxMode) {
      cluster.sandbox = await startSimulators(
        stack,
        balancer.url,
        {
          kriptomat: await preferred(portSetting(env, 'KRIPTOMAT_SIM_PORT', 8081), 0),
          sumsub: await preferred(portSetting(env, 'SUMSUB_SIM_PORT', 8082), 0),
        },
        local.secrets.KRIPTOMAT_WEBHOOK_TOKEN,
      );
    }
    stack.checkpoint();

    log('starting the Temporal UI (deploy/temporal/ui.yaml.tmpl)');
    const { ui, url: uiUrl } = await startUi(binaries, {
      address: temporal.address,
      port: portSetting(env, 'TEMPORAL_UI_PORT', 8233),
      codecEndpoint: `${balancer.url}/codec`,
      namespace: NAMESPACE,
      logDir: paths.logDir,
    });
    cluster.uiUrl = uiUrl;
    stack.onStop('the Temporal UI', () => ui.stop());
    stack.checkpoint();

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
        stack.onStop(result.value.child.name, () => (list[slot] ?? result.value).child.stop());
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
