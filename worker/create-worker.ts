import { Worker } from '@temporalio/worker';
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { kycDataConverter } from '../codec';
import type { WorkerConfig } from '../config';
import { partnerClientsFrom } from './partner-clients';

/** Where the worker gets workflow code: the TypeScript sources (bundled at start) or a prebuilt bundle. */
export type WorkflowSource = Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'>;

export const WORKFLOWS_PATH = require.resolve('../workflows');

/** A worker for the case workflow, with activities bound to the configured partner APIs. */
export async function createKycWorker(
  connection: NativeConnection,
  config: WorkerConfig,
  source: WorkflowSource = { workflowsPath: WORKFLOWS_PATH },
): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities(partnerClientsFrom(config)),
    // Every payload leaves the worker encrypted; only holders of the key (clients, the codec server) read it.
    dataConverter: kycDataConverter(config),
    ...source,
  });
}
