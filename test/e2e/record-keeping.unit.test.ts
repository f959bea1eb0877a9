import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { recordKeepingActivities } from '../../activities/record-keeping';
import { recordKeepingWorkflowId, scheduleKeyDestruction } from '../../client/erasure';
import type { recordKeeping } from '../../workflows/record-keeping';
import { startTimeSkippingTemporal } from '../helpers/time-skipping';
import { testWorkflowSource, uniqueTaskQueue } from '../helpers/test-worker';

/**
 * The record keeping of an erased user in virtual time: started with the end of the AML hold, it sleeps until
 * then and only then has the trail destroy the keys that are due. Its id and input carry the pseudonym only.
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkippingTemporal();
}, 120_000);
afterAll(async () => env?.teardown());

const DAY = 86_400_000;

it('destroys the due keys once the hold has ended, not before', async () => {
  const taskQueue = uniqueTaskQueue('record-keeping');
  const calls: number[] = [];
  const pseudonym = 'p_recordkeepingtest0000';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    ...testWorkflowSource(),
    activities: recordKeepingActivities({
      audit: {
        destroyDue: async () => {
          calls.push(await env.currentTimeMs());
          return [pseudonym];
        },
      },
    }),
  });
  const eraseAfter = (await env.currentTimeMs()) + 30 * DAY;
  const result = await worker.runUntil(async () => {
    const workflowId = await scheduleKeyDestruction(
      env.client,
      { pseudonym, eraseAfter: new Date(eraseAfter).toISOString() },
      taskQueue,
    );
    expect(workflowId).toBe(recordKeepingWorkflowId(pseudonym));
    return env.client.workflow.getHandle<typeof recordKeeping>(workflowId).result();
  });
  expect(result).toEqual({ destroyed: true });
  expect(calls).toHaveLength(1);
  expect(calls[0]).toBeGreaterThanOrEqual(eraseAfter);
}, 120_000);

it('fails the activity, to be retried, on a worker without a trail', async () => {
  await expect(recordKeepingActivities({ audit: null }).destroyDueErasures()).rejects.toThrow(
    /no audit trail/,
  );
});
