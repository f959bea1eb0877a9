import { chmod } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { connectKycClient } from '../client/temporal-connection';
import { generateCodecKey } from '../codec';
import { startBalancer } from '../cluster/balancer';
import { environmentWithDotenv } from '../config';
import { TASK_QUEUE } from '../stack/cluster-stack';
import { Stack } from '../stack/stack';
import { namedStops } from '../stack/stops';
import { NAMESPACE, startClusterTemporal } from '../stack/temporal';
import { startApiProcess, startWorker, workerVersionEnv } from '../stack/processes';
import { crashPostgres, TemporalServerControl } from '../cluster/faults';
import { clusterPaths } from '../cluster/paths';
import { engineDatabaseUrl } from '../cluster/postgres';
import { kriptomatWebhookUrl } from '../stack/simulators';
import { freeLoopbackPort } from '../worker/free-port';
import { stableLoopbackPort } from '../stack/ports';
import { faultCounts } from './chaos-plan';
import { startChaosSandbox } from './chaos-sandbox';
import { clusterEngineEnv } from './cluster-env';
import { Replicas } from './replicas';
import type { ChaosTopology, TopologyContext } from './topology';
import { WorkerVersions } from './worker-versions';

/**
 * The production topology of `npm run cluster` under chaos: PostgreSQL and a registered Temporal server on it
 * (stack/temporal.ts, `startClusterTemporal`), the run's faulty simulators, two worker processes and two API
 * processes behind the round-robin balancer, exactly the programs compose runs. The partner's starts and both
 * vendors' webhooks go through the balancer, so a killed API leaves them to the other. Its state lives in the
 * run's folder (under /var/tmp: PostgreSQL's user must reach it), never in a developer's cluster dir.
 */
export async function startClusterTopology(context: TopologyContext): Promise<ChaosTopology> {
  const { options, dataDir, log, stack } = context;
  // mkdtemp made it 0700; PostgreSQL's own user must pass through it to its data directory.
  await chmod(dataDir, 0o711);
  const paths = clusterPaths({ ...process.env, KYC_CLUSTER_DIR: path.join(dataDir, 'cluster') });
  log(`starting PostgreSQL and the Temporal server on it (cluster dir ${paths.root})`);
  // A stack of its own, whose teardown names each part as `npm run cluster` does.
  const cluster = new Stack({ log, reports: namedStops(log) });
  stack.onStop('the cluster', () => cluster.stop());
  const { binaries, db, temporal } = await startClusterTemporal(cluster, paths, environmentWithDotenv());
  const server = new TemporalServerControl(binaries, db, paths.logDir, temporal, log);
  // Before the cluster's own stop (pushed first, so run later), which knows only the first server process.
  stack.onStop('the Temporal server', () => server.stop());

  const codecKey = generateCodecKey('chaos');
  const connection = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
  };
  const client = await connectKycClient({
    ...connection,
    KYC_CODEC_KEY: codecKey,
    KYC_CODEC_PREVIOUS_KEYS: [],
  });
  stack.onStop("the run's client", () => client.connection.close());

  const first = await stableLoopbackPort();
  const apiPorts = [first, await stableLoopbackPort([first])];
  const balancer = await startBalancer(0, apiPorts);
  stack.onStop('the API balancer', () => balancer.close());
  const secrets = {
    KYC_CODEC_KEY: codecKey,
    KYC_API_TOKEN: randomBytes(24).toString('base64url'),
    KRIPTOMAT_WEBHOOK_TOKEN: randomBytes(24).toString('base64url'),
    SUMSUB_WEBHOOK_SECRET: randomBytes(18).toString('base64url'),
  };
  const sandbox = await startChaosSandbox(options, {
    webhookUrl: `${balancer.url}/webhooks/sumsub`,
    webhookSecret: secrets.SUMSUB_WEBHOOK_SECRET,
    kriptomatWebhookUrl: kriptomatWebhookUrl(balancer.url, secrets.KRIPTOMAT_WEBHOOK_TOKEN),
  });
  stack.onStop('the simulators', () => sandbox.close());

  const env = await clusterEngineEnv(context, sandbox, {
    ...connection,
    ...secrets,
    // The engine's own database beside Temporal's (setup-schema.sh made it), as `npm run cluster` gives it.
    KYC_DATABASE_URL: engineDatabaseUrl(db.access),
  });
  // With rolling deploys, the workers are a Worker Deployment from the start, as production runs them.
  const versions =
    faultCounts(options)['roll-workers'] > 0
      ? new WorkerVersions(
          { address: server.address, namespace: NAMESPACE, cli: binaries.cli, logDir: paths.logDir },
          await versionOf(workerVersionEnv({})),
        )
      : null;
  const workers = new Replicas(
    'worker',
    2,
    async (index) =>
      startWorker(
        index,
        { ...env, ...versions?.env() },
        { metrics: await freeLoopbackPort(), sdkMetrics: await freeLoopbackPort() },
        paths.logDir,
      ),
    log,
  );
  const apis = new Replicas(
    'api',
    2,
    (index) => startApiProcess(index, env, apiPorts[index - 1]!, paths.logDir),
    log,
  );
  // Stopped before the server and PostgreSQL: APIs first, then workers (the cluster's own order).
  stack.onStop('the workers', () => workers.stopAll());
  stack.onStop('the APIs', () => apis.stopAll());
  log('starting 2 workers and 2 API processes (node --import tsx worker/main.ts, api/main.ts)');
  await workers.startAll();
  if (versions) {
    log(`making ${versions.env().KYC_WORKER_BUILD_ID} the current version of the workers' deployment`);
    await versions.start();
  }
  await apis.startAll();

  let rollingDeploys = 0;
  let dbRestarts = 0;
  let dbDowntimeMs = 0;
  const auth = { authorization: `Bearer ${secrets.KYC_API_TOKEN}` };
  return {
    kind: 'cluster',
    client,
    sandbox,
    startCase: async (userId) => {
      const response = await fetch(`${balancer.url}/v1/cases/${encodeURIComponent(userId)}`, {
        method: 'PUT',
        headers: auth,
        signal: AbortSignal.timeout(15_000),
      });
      await response.arrayBuffer();
      if (response.status !== 202) throw new Error(`PUT /v1/cases/${userId}: ${response.status}`);
    },
    inflict: async (event) => {
      switch (event.kind) {
        case 'kill-worker':
        case 'kill-api': {
          const replicas = event.kind === 'kill-worker' ? workers : apis;
          const role = event.kind === 'kill-worker' ? 'worker' : 'api';
          const pid = await replicas.kill(event.replica, event.downtimeMs);
          const line = `SIGKILLed ${role}-${event.replica + 1} (pid ${pid ?? '?'}); down for ${event.downtimeMs} ms`;
          return { line, downMs: null };
        }
        case 'restart-server': {
          log('killing the Temporal server (SIGKILL) and starting it again on the same port and database');
          const down = await server.crash();
          return { line: `Temporal server back after ${(down / 1000).toFixed(1)} s`, downMs: down };
        }
        case 'restart-db': {
          log(`stopping PostgreSQL in immediate mode, for ${event.downtimeMs} ms`);
          const down = await crashPostgres(db, event.downtimeMs);
          dbRestarts += 1;
          dbDowntimeMs += down;
          return { line: `PostgreSQL back after ${(down / 1000).toFixed(1)} s`, downMs: down };
        }
        case 'roll-workers': {
          if (!versions) throw new Error('a rolling deploy needs versioned workers');
          const line = await versions.roll(workers, log);
          rollingDeploys += 1;
          return { line, downMs: null };
        }
      }
    },
    settled: async () => {
      await Promise.all([workers.settled(), apis.settled()]);
    },
    ensureWorkers: () => workers.ensureAll(),
    figures: () => ({
      workers: workers.figures(),
      apis: apis.figures(),
      apiRequests: Object.fromEntries(
        apiPorts.map((port, index) => [`api-${index + 1}`, balancer.counts().get(port) ?? 0]),
      ),
      serverRestarts: server.restarts,
      serverDowntimeMs: server.downtimeMs,
      unexpectedServerExits: server.unexpectedExits,
      dbRestarts,
      dbDowntimeMs,
      rollingDeploys,
    }),
    receipts: () => receiptsByStatus(sandbox.log.webhooks),
  };
}

/**
 * The APIs' answers to the webhook deliveries, by vendor and HTTP status, as the simulators logged them: the
 * receivers run in other processes, so their own counts are not at hand.
 */
function receiptsByStatus(
  webhooks: readonly { service: string; status: number | null; dropped: boolean }[],
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const webhook of webhooks) {
    if (webhook.dropped) continue;
    const key = `${webhook.service} ${webhook.status ?? 'no answer'}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** The deployment name and build id of workerVersionEnv, as rollout's version. */
async function versionOf(
  env: Promise<{ KYC_WORKER_DEPLOYMENT_NAME: string; KYC_WORKER_BUILD_ID: string }>,
): Promise<{ deploymentName: string; buildId: string }> {
  const { KYC_WORKER_DEPLOYMENT_NAME: deploymentName, KYC_WORKER_BUILD_ID: buildId } = await env;
  return { deploymentName, buildId };
}
