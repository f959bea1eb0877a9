import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { SumsubClient } from '../vendors/sumsub/client';
import { generateCodecKey, kycDataConverter } from '../codec';
import type { RunningSandbox } from '../sandbox/start-sandbox';
import { startSandbox } from '../sandbox/start-sandbox';
import { freeLoopbackPort } from '../worker/free-port';
import { writeWorkflowBundle } from '../worker/workflow-bundle';
import { Stack } from '../stack/stack';
import { NodeProcess } from './child-process';
import { InstantUsers } from './instant-users';
import { PartnerReceiver } from './partner-receiver';
import type { DatabaseAccess } from '../cluster/postgres';
import type { ServerSource } from './server';

export const ENGINE_TASK_QUEUE = 'kyc-bench';
export const SKELETON_TASK_QUEUE = 'kyc-bench-skeleton';
const READY_TIMEOUT_MS = 120_000;

export interface StackOptions {
  /** The dev server (a fresh one) or the cluster (shared by the run's measures). */
  server: ServerSource;
  /** Logs (and the dev server's SQLite file) go here. */
  workDir: string;
  /** Timings of new cases, as the API reads them (`KYC_READ_SCHEDULE`, ...); unset ones keep the defaults. */
  caseTimings: Record<string, string>;
  logLevel: string;
  /** Extra settings of both workers, the engine's and the skeleton's (`KYC_MAX_CACHED_WORKFLOWS=500`). */
  workerSettings: Record<string, string>;
  /** `open`: SumSub's rate limiter out of the way (the simulator has no quota); `real`: as configured. */
  sumsubQuota: 'open' | 'real';
  /** Tells the bench's progress (never a secret). */
  say: (line: string) => void;
}

/** The pids whose memory and CPU the bench reads. */
export interface StackPids {
  server: number;
  /** PostgreSQL's postmaster, sampled with its backends: on the cluster only. */
  postgres?: number;
  worker: number;
  skeletonWorker: number;
  api: number;
}

/**
 * The engine as deployed, on the sandbox: a Temporal dev server (child process, SQLite, search attributes
 * registered), the worker and the HTTP API as processes of their own, the simulators with no delays
 * (reviews and decisions at once) in this process, webhooks delivered to the API, and the partner's webhook
 * endpoint. Beside it, on the same server, the skeleton worker that runs the baseline workflows.
 */
export interface BenchStack {
  client: Client;
  namespace: string;
  /** The cluster's PostgreSQL (null on the dev server). */
  database: DatabaseAccess | null;
  sandbox: RunningSandbox;
  partner: PartnerReceiver;
  /** The users who complete SumSub as soon as the partner is told to send them there. */
  users: InstantUsers;
  apiUrl: string;
  pids: StackPids;
  /** `PUT /v1/cases/{userId}` as a partner's backend sends it; resolves with the status. */
  putCase(userId: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<BenchStack> {
  const stack = new Stack({ log: options.say });
  try {
    return await startParts(options, stack);
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

async function startParts(options: StackOptions, stack: Stack): Promise<BenchStack> {
  const { workDir, say } = options;
  const server = await options.server.start(stack, workDir);
  const { namespace } = server;

  const codecKey = generateCodecKey('bench');
  const connection = await Connection.connect({ address: server.address });
  stack.onStop("the bench's connection", () => connection.close());
  const client = new Client({
    connection,
    namespace,
    dataConverter: kycDataConverter({ KYC_CODEC_KEY: codecKey, KYC_CODEC_PREVIOUS_KEYS: [] }),
  });

  const partner = new PartnerReceiver();
  await partner.start();
  stack.onStop("the partner's receiver", () => partner.close());

  const apiPort = await freeLoopbackPort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const sandbox = await startSandbox({
    webhookUrl: `${apiUrl}/webhooks/sumsub`,
    // Only the scripted scenarios (economy) use it: a second, so that their first review follows the
    // case's wait even on a busy machine. The onboarding measures use the instant users below.
    reviewDelayMs: 1_000,
    // Kriptomat decides a quarter second after an import: later than the engine's read just after the
    // import, earlier than its first poll, so every onboarding case takes the same path.
    decisionDelayMs: 250,
  });
  stack.onStop('the simulators', () => sandbox.close());
  const users = new InstantUsers(
    new SumsubClient({
      baseUrl: sandbox.sumsub.url,
      appToken: sandbox.workerEnv.SUMSUB_APP_TOKEN ?? '',
      secretKey: sandbox.workerEnv.SUMSUB_SECRET_KEY ?? '',
      // The simulator is plain http on loopback, which the outbound policy refuses unless allowed; the bench's
      // own shell has no KYC_ALLOW_INSECURE_HOSTS (jest's setup sets it, so only `npm run bench` met this).
      network: { insecureHosts: new Set(['127.0.0.1']) },
    }),
    sandbox.sumsub.applicants,
  );
  partner.onNotification = (event) => users.onNotification(event);
  users.onFirstFailure = (reason) => say(`a simulated user could not complete SumSub: ${reason}`);

  const common = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: namespace,
    KYC_CODEC_KEY: codecKey,
    LOG_LEVEL: options.logLevel,
    // Any .env of the developer's checkout must not leak into the engine under test.
    KYC_ENV_FILE: path.join(workDir, 'empty.env'),
  };
  writeFileSync(common.KYC_ENV_FILE, '');
  const workerEnv = async (taskQueue: string) => ({
    ...common,
    ...sandbox.workerEnv,
    TEMPORAL_TASK_QUEUE: taskQueue,
    PARTNER_WEBHOOK_URL: partner.url,
    PARTNER_WEBHOOK_SECRET: partner.secret,
    KYC_METRICS_HOST: '127.0.0.1',
    KYC_METRICS_PORT: String(await freeLoopbackPort()),
    BENCH_SUMSUB_QUOTA: options.sumsubQuota,
    ...options.workerSettings,
  });
  const apiToken = `bench-${randomBytes(24).toString('base64url')}`;

  say('starting the worker, the skeleton worker and the API (each bundles or loads its code)');
  const spawnNode = (name: string, script: string, env: Record<string, string>) => {
    const child = new NodeProcess(name, script, env, path.join(workDir, `${name}.log`));
    stack.onStop(name, () => child.stop());
    return child;
  };
  // The engine's worker loads its workflow code prebuilt, as the image runs it (Dockerfile), unless the run
  // names another setting: bundling at start would leave webpack's memory in every figure of the worker.
  const bundle = path.join(workDir, 'workflow-bundle.js');
  await writeWorkflowBundle(bundle);
  const worker = spawnNode('worker', 'bench/engine-worker.ts', {
    KYC_WORKFLOW_BUNDLE: bundle,
    ...(await workerEnv(ENGINE_TASK_QUEUE)),
  });
  const skeletonWorker = spawnNode(
    'skeleton-worker',
    'bench/skeleton-worker.ts',
    await workerEnv(SKELETON_TASK_QUEUE),
  );
  const api = spawnNode('api', 'api/main.ts', {
    ...common,
    ...options.caseTimings,
    TEMPORAL_TASK_QUEUE: ENGINE_TASK_QUEUE,
    KYC_API_HOST: '127.0.0.1',
    KYC_API_PORT: String(apiPort),
    KYC_API_TOKEN: apiToken,
    SUMSUB_WEBHOOK_SECRET: sandbox.sumsubWebhookSecret,
    SUMSUB_BASE_URL: sandbox.workerEnv.SUMSUB_BASE_URL ?? '',
    SUMSUB_APP_TOKEN: sandbox.workerEnv.SUMSUB_APP_TOKEN ?? '',
    SUMSUB_SECRET_KEY: sandbox.workerEnv.SUMSUB_SECRET_KEY ?? '',
    KYC_ALLOW_INSECURE_HOSTS: sandbox.workerEnv.KYC_ALLOW_INSECURE_HOSTS ?? '',
  });
  await Promise.all([
    worker.waitUntil(() => hasPollers(client, namespace, ENGINE_TASK_QUEUE), READY_TIMEOUT_MS),
    skeletonWorker.waitUntil(() => hasPollers(client, namespace, SKELETON_TASK_QUEUE), READY_TIMEOUT_MS),
    api.waitUntil(async () => (await fetch(`${apiUrl}/readyz`)).ok, READY_TIMEOUT_MS),
  ]);

  const authorization = `Bearer ${apiToken}`;
  return {
    client,
    namespace,
    database: server.database,
    sandbox,
    partner,
    users,
    apiUrl,
    pids: { ...server.pids, worker: worker.pid, skeletonWorker: skeletonWorker.pid, api: api.pid },
    putCase: async (userId) => {
      const response = await fetch(`${apiUrl}/v1/cases/${encodeURIComponent(userId)}`, {
        method: 'PUT',
        headers: { authorization },
      });
      await response.arrayBuffer();
      return response.status;
    },
    stop: () => stack.stop(),
  };
}

/** True once a worker polls the task queue for workflow tasks. */
async function hasPollers(client: Client, namespace: string, taskQueue: string): Promise<boolean> {
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return pollers.length > 0;
}

/**
 * The processes that work for one side of a measure: the server (and PostgreSQL on the cluster), that side's
 * worker, the engine's API, and the bench itself (it runs the simulators, the partner's endpoint and the users).
 */
export function sidePids(pids: StackPids, side: 'engine' | 'skeleton'): Record<string, number> {
  const server = { server: pids.server, ...(pids.postgres !== undefined && { postgres: pids.postgres }) };
  return side === 'engine'
    ? { ...server, worker: pids.worker, api: pids.api, bench: process.pid }
    : { ...server, worker: pids.skeletonWorker, bench: process.pid };
}
