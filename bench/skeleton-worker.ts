/**
 * The baseline's worker process: the skeleton workflow (bundled on its own, never with the engine's) and
 * activities that return at once, with the engine worker's runtime, data converter and tuning, so that the
 * only difference the bench measures is the engine's own work.
 */
import { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { temporalConnectionSettings } from '../client/temporal-connection';
import { kycDataConverter } from '../codec';
import { workerTuning } from '../worker/create-worker';
import type { SkeletonActivities } from './skeleton-plan';
import { SKELETON_SIGNAL } from './skeleton-plan';
import { runWorkerProcess } from './worker-runner';

runWorkerProcess('skeleton-worker', async (connection, config, { logger }) => {
  const dataConverter = kycDataConverter(config);
  // The signals come from outside the workflow, as the engine's webhooks do: a client of this process.
  const clientConnection = await Connection.connect(temporalConnectionSettings(config));
  const client = new Client({
    connection: clientConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter,
  });
  const activities: SkeletonActivities = {
    noop: () => Promise.resolve(),
    sendSignals: (count) => {
      const workflowId = Context.current().info.workflowExecution?.workflowId;
      if (!workflowId) throw new Error('sendSignals runs only as an activity of a workflow');
      const handle = client.workflow.getHandle(workflowId);
      // After the activity has answered, as SumSub's webhooks follow the call that created the applicant.
      setImmediate(() => {
        void (async () => {
          for (let i = 0; i < count; i++) await handle.signal(SKELETON_SIGNAL);
        })().catch((error: unknown) => logger.warn({ err: error }, 'skeleton signal failed'));
      });
      return Promise.resolve();
    },
  };
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('./skeleton-workflow'),
    activities,
    dataConverter,
    ...workerTuning(config),
  });
  return { worker, close: () => clientConnection.close() };
});
