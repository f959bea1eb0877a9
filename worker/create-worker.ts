import { existsSync } from 'node:fs';
import path from 'node:path';
import { Runtime, Worker } from '@temporalio/worker';
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { AuditTrail } from '../audit';
import { kycDataConverter } from '../codec';
import { ConfigurationError } from '../domain';
import type { WorkerConfig } from '../config';
import type { HttpCallObserver } from '../observability/metrics-types';
import { vendorClientsFrom } from '../vendors/clients';

/** Where the worker gets workflow code: the TypeScript sources (bundled at start) or a prebuilt bundle. */
export type WorkflowSource = Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'>;

/**
 * The workflow bundle's entry. Every function this module exports is a workflow type the worker registers, so
 * it exports exactly `kycCase` and `approvedUserWatch`; the rest of `workflows/` is reached through their imports.
 */
export const WORKFLOWS_PATH = require.resolve('../workflows/index');

/**
 * TEST ONLY: another workflows entry module for a worker started from worker/main.ts, so a test can run a
 * second build of the workflow code in a real worker process (test/cluster/rolling-deploy.test.ts rolls out
 * the real workflow plus a `patched()` step). Never set in a deployment: the engine's workflow code is
 * `workflows/`, and the worker says loudly at start when this replaces it.
 */
export const TEST_WORKFLOWS_PATH_VARIABLE = 'KYC_TEST_WORKFLOWS_PATH';

/** The log message of every worker's start, with its deployment version (or none) and its identity. */
export const WORKER_VERSION_MESSAGE = 'worker deployment version';

/**
 * A test's own entry (TEST_WORKFLOWS_PATH_VARIABLE) if one is named, else the prebuilt bundle
 * (`KYC_WORKFLOW_BUNDLE`), else `workflows/`, bundled at start.
 */
export function defaultWorkflowSource(
  config: Pick<WorkerConfig, 'KYC_WORKFLOW_BUNDLE'> = {},
  env: NodeJS.ProcessEnv = process.env,
): WorkflowSource {
  const override = env[TEST_WORKFLOWS_PATH_VARIABLE];
  if (override) return { workflowsPath: path.resolve(override) };
  const bundle = config.KYC_WORKFLOW_BUNDLE;
  if (bundle) {
    const codePath = path.resolve(bundle);
    // Said here, naming the setting: the SDK's own error would name neither the variable nor the remedy.
    if (!existsSync(codePath))
      throw new ConfigurationError(`KYC_WORKFLOW_BUNDLE: no file at ${codePath} (npm run build writes one)`);
    return { workflowBundle: { codePath } };
  }
  return { workflowsPath: WORKFLOWS_PATH };
}

/**
 * After the grace time, activities are cancelled; ours do not stop mid-call, so they get a little longer to
 * finish their HTTP call before the worker gives up on them (the task then times out and runs elsewhere).
 */
const SHUTDOWN_FORCE_MARGIN_MS = 5_000;

export interface KycWorkerOptions {
  /** Told about every partner HTTP call (the worker's metrics). */
  observer?: HttpCallObserver;
  /** The audit trail the cases write (`openAuditStore`); none: records are dropped. */
  audit?: AuditTrail | null;
}

/** A worker for the case and watch workflows, with activities bound to the configured partner APIs. */
export async function createKycWorker(
  connection: NativeConnection,
  config: WorkerConfig,
  source: WorkflowSource = defaultWorkflowSource(config),
  options: KycWorkerOptions = {},
): Promise<Worker> {
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities({
      ...vendorClientsFrom(config, { observer: options.observer }),
      audit: options.audit ?? null,
    }),
    // Activities heartbeat every few seconds against a 10 s heartbeat timeout (workflows/activity-calls.ts):
    // sent on at most every 3 s rather than the SDK's 8 s (0.8 of the timeout), so one slow answer from a busy
    // server does not time out an attempt that is still running (and start a second one beside it).
    maxHeartbeatThrottleInterval: '3s',
    // Every payload leaves the worker encrypted; only holders of the key (clients, the codec server) read it.
    dataConverter: kycDataConverter(config),
    ...workerTuning(config),
    ...workerVersioning(config),
    ...source,
  });
  logWorkerVersion(worker, source);
  return worker;
}

/**
 * Worker Versioning (docs/rolling-deploys.md): with a deployment name and a build id, the worker polls as that
 * version of the deployment, and the server hands it tasks only while its version is current (or ramping),
 * so during a rolling deploy an old and a new worker never share a case's workflow tasks. AUTO_UPGRADE, not
 * PINNED: a case runs for weeks, longer than any version lives, so each case moves to the current version
 * at its next workflow task, and `patched()` (workflows/patches.ts) keeps the new code replaying the old
 * history. Without a build id (dev server, `npm start`, tests) the worker is unversioned.
 */
export function workerVersioning(
  config: Pick<WorkerConfig, 'KYC_WORKER_DEPLOYMENT_NAME' | 'KYC_WORKER_BUILD_ID'>,
): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  const deploymentName = config.KYC_WORKER_DEPLOYMENT_NAME;
  const buildId = config.KYC_WORKER_BUILD_ID;
  if (!buildId) return {};
  return {
    workerDeploymentOptions: {
      useWorkerVersioning: true,
      version: { deploymentName, buildId },
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    },
  };
}

/**
 * Said once at start, through the SDK's logger (the worker's pino stream): which version this worker polls as
 * and under which identity, the two things an operator matches against a workflow task in a case's history.
 */
function logWorkerVersion(worker: Worker, source: WorkflowSource): void {
  const logger = Runtime.instance().logger;
  const versioned = worker.options.workerDeploymentOptions;
  logger.info(WORKER_VERSION_MESSAGE, {
    identity: worker.options.identity,
    versioning: versioned ? 'AUTO_UPGRADE' : 'unversioned',
    ...(versioned && {
      deploymentName: versioned.version.deploymentName,
      buildId: versioned.version.buildId,
    }),
  });
  const testEntry = process.env[TEST_WORKFLOWS_PATH_VARIABLE];
  if (testEntry && source.workflowsPath === path.resolve(testEntry)) {
    const message = `${TEST_WORKFLOWS_PATH_VARIABLE} is set: this worker runs test workflow code`;
    logger.warn(message, { workflowsPath: source.workflowsPath });
  }
}

/**
 * How the worker runs its tasks: concurrency, cache and shutdown. Kept apart so the benchmark's skeleton
 * worker (bench/) runs with exactly the same settings as the engine's.
 */
export function workerTuning(
  config: Pick<
    WorkerConfig,
    'KYC_MAX_CONCURRENT_ACTIVITIES' | 'KYC_SHUTDOWN_GRACE_TIME' | 'KYC_MAX_CACHED_WORKFLOWS'
  >,
): Pick<
  WorkerOptions,
  'maxConcurrentActivityTaskExecutions' | 'shutdownGraceTime' | 'shutdownForceTime' | 'maxCachedWorkflows'
> {
  return {
    // Waiting cases sleep for hours between tasks: caching them all costs memory and saves almost nothing.
    // But every case that is moving must fit: with 0 the cluster bench closes 0.44 cases/s instead of 3.5
    // (docs/capacity.md), each task replaying its history.
    maxCachedWorkflows: config.KYC_MAX_CACHED_WORKFLOWS,
    // Pollers stay the SDK's (autoscaling): at capacity on the cluster the worker uses at most 39 % of a core
    // while task-queue waits follow the machine's load, so more pollers would only poll more.

    // Bounds the SumSub rate limiter's queue too: each activity waits on at most one SumSub call.
    maxConcurrentActivityTaskExecutions: config.KYC_MAX_CONCURRENT_ACTIVITIES,
    shutdownGraceTime: config.KYC_SHUTDOWN_GRACE_TIME,
    shutdownForceTime: config.KYC_SHUTDOWN_GRACE_TIME + SHUTDOWN_FORCE_MARGIN_MS,
  };
}

/**
 * Said once at start: where the cases' audit trail is written, or that it is off (no audit keys), in which case
 * every record is dropped.
 */
export function logAuditTrail(store: { kind: 'postgres' | 'embedded' } | null): void {
  const logger = Runtime.instance().logger;
  if (store) logger.info('audit trail on', { database: store.kind });
  else logger.warn('audit trail off (no KYC_AUDIT_LOOKUP_KEY, KYC_AUDIT_SIGNING_KEY): cases record nothing');
}
