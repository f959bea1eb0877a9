import { Worker } from '@temporalio/worker';
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { kycDataConverter } from '../codec';
import type { WorkerConfig } from '../config';
import type { HttpCallObserver } from '../observability/metrics-types';
import { partnerClientsFrom } from './partner-clients';

/** Where the worker gets workflow code: the TypeScript sources (bundled at start) or a prebuilt bundle. */
export type WorkflowSource = Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'>;

export const WORKFLOWS_PATH = require.resolve('../workflows');

/**
 * After the grace time, activities are cancelled; ours do not stop mid-call, so they get a little longer to
 * finish their HTTP call before the worker gives up on them (the task then times out and runs elsewhere).
 */
const SHUTDOWN_FORCE_MARGIN_MS = 5_000;

export interface KycWorkerOptions {
  /** Told about every partner HTTP call (the worker's metrics). */
  observer?: HttpCallObserver;
}

/** A worker for the case workflow, with activities bound to the configured partner APIs. */
export async function createKycWorker(
  connection: NativeConnection,
  config: WorkerConfig,
  source: WorkflowSource = { workflowsPath: WORKFLOWS_PATH },
  options: KycWorkerOptions = {},
): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities(partnerClientsFrom(config, { observer: options.observer })),
    // Activities heartbeat every few seconds against a 10 s heartbeat timeout (workflows/activity-proxies.ts):
    // sent on at most every 3 s rather than the SDK's 8 s (0.8 of the timeout), so one slow answer from a busy
    // server does not time out an attempt that is still running (and start a second one beside it).
    maxHeartbeatThrottleInterval: '3s',
    // Every payload leaves the worker encrypted; only holders of the key (clients, the codec server) read it.
    dataConverter: kycDataConverter(config),
    ...workerTuning(config),
    ...source,
  });
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
    maxCachedWorkflows: config.KYC_MAX_CACHED_WORKFLOWS,
    // Bounds the SumSub rate limiter's queue too: each activity waits on at most one SumSub call.
    maxConcurrentActivityTaskExecutions: config.KYC_MAX_CONCURRENT_ACTIVITIES,
    shutdownGraceTime: config.KYC_SHUTDOWN_GRACE_TIME,
    shutdownForceTime: config.KYC_SHUTDOWN_GRACE_TIME + SHUTDOWN_FORCE_MARGIN_MS,
  };
}
