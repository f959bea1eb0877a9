import { Worker } from '@temporalio/worker';
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { StaticTokenProvider } from '../activities/kriptomat/auth';
import { KriptomatClient } from '../activities/kriptomat/client';
import type { WorkerConfig } from './config';

/** Where the worker gets workflow code: the TypeScript sources (bundled at start) or a prebuilt bundle. */
export type WorkflowSource = Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'>;

export const WORKFLOWS_PATH = require.resolve('../workflows');

/** A worker for the case workflow, with activities bound to the configured partner APIs. */
export async function createKycWorker(
  connection: NativeConnection,
  config: WorkerConfig,
  source: WorkflowSource = { workflowsPath: WORKFLOWS_PATH },
): Promise<Worker> {
  const kriptomat = new KriptomatClient({
    baseUrl: config.KRIPTOMAT_BASE_URL,
    auth: new StaticTokenProvider(config.KRIPTOMAT_TOKEN),
  });
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities({ kriptomat, notifier: null }),
    ...source,
  });
}
