import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { recordKeepingActivities } from '../../activities/record-keeping';
import type { AuditTrail } from '../../audit';
import { recordKeepingWorkflowId, scheduleKeyDestruction } from '../../client/erasure';
import type { recordKeeping } from '../../workflows/record-keeping';
import { startTimeSkippingTemporal } from '../helpers/time-skipping';
import { testWorkflowSource, uniqueTaskQueue } from '../helpers/test-worker';

/**
 * The record keeping of an erased user in virtual time: started with the end of the AML hold, it sleeps until
 * then and only then has the trail destroy its own pseudonym's key. Its id and input carry the pseudonym only.
 * (test/e2e/erase-scheduled.test.ts runs it on a real worker over a real trail.)
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkippingTemporal();
}, 120_000);
afterAll(async () => env?.teardown());

const DAY = 86_400_000;
const pseudonym = 'p_recordkeepingtest00000';

type Found = Awaited<ReturnType<AuditTrail['destroyIfDue']>>;

/** A trail that answers `answers` in turn and records who asked and when (virtual time). */
function fakeTrail(answers: Found[]) {
  const calls: { pseudonym: string; atMs: number }[] = [];
  const trail: Pick<AuditTrail, 'destroyIfDue' | 'destroyDue'> = {
    destroyIfDue: async (asked) => {
      calls.push({ pseudonym: asked, atMs: await env.currentTimeMs() });
      return answers[Math.min(calls.length, answers.length) - 1] ?? 'unknown';
    },
    destroyDue: () =>
      Promise.reject(new Error('the record keeping of one pseudonym destroyed every due key')),
  };
  return { trail, calls };
}

async function runRecordKeeping(trail: Pick<AuditTrail, 'destroyIfDue' | 'destroyDue'>, eraseAfter: number) {
  const taskQueue = uniqueTaskQueue('record-keeping');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    ...testWorkflowSource(),
    activities: recordKeepingActivities({ audit: trail }),
  });
  return worker.runUntil(async () => {
    const workflowId = await scheduleKeyDestruction(
      env.client,
      { pseudonym, eraseAfter: new Date(eraseAfter).toISOString() },
      taskQueue,
    );
    expect(workflowId).toBe(recordKeepingWorkflowId(pseudonym));
    return env.client.workflow.getHandle<typeof recordKeeping>(workflowId).result();
  });
}

it("destroys its own pseudonym's key once the hold has ended, not before, and no other", async () => {
  const { trail, calls } = fakeTrail(['destroyed']);
  const eraseAfter = (await env.currentTimeMs()) + 30 * DAY;
  expect(await runRecordKeeping(trail, eraseAfter)).toEqual({ destroyed: true });
  expect(calls).toHaveLength(1);
  expect(calls[0]?.pseudonym).toBe(pseudonym);
  expect(calls[0]?.atMs).toBeGreaterThanOrEqual(eraseAfter);
}, 120_000);

it("asks again while the trail's clock says the hold has not ended, then destroys", async () => {
  const { trail, calls } = fakeTrail(['not_due', 'not_due', 'destroyed']);
  const eraseAfter = (await env.currentTimeMs()) + DAY;
  expect(await runRecordKeeping(trail, eraseAfter)).toEqual({ destroyed: true });
  expect(calls.map((call) => call.pseudonym)).toEqual([pseudonym, pseudonym, pseudonym]);
}, 120_000);

it('answers destroyed when the key was gone already (an earlier attempt, or an erasure at once)', async () => {
  const { trail } = fakeTrail(['erased_before']);
  expect(await runRecordKeeping(trail, (await env.currentTimeMs()) + DAY)).toEqual({ destroyed: true });
}, 120_000);

it('answers not destroyed when the trail knows no erasure of the pseudonym', async () => {
  for (const found of ['unknown', 'not_requested'] as const) {
    const { trail } = fakeTrail([found]);
    expect(await runRecordKeeping(trail, (await env.currentTimeMs()) + DAY)).toEqual({ destroyed: false });
  }
}, 120_000);

it('fails the activity, to be retried, on a worker without a trail', async () => {
  await expect(recordKeepingActivities({ audit: null }).destroyDueErasures(pseudonym)).rejects.toThrow(
    /no audit trail/,
  );
});

it('does what a task scheduled before the pseudonym was passed asked: every due erasure', async () => {
  const due = ['p_scheduledbeforechange0'];
  const activities = recordKeepingActivities({
    audit: {
      destroyIfDue: () => Promise.reject(new Error('not this one')),
      destroyDue: () => Promise.resolve(due),
    },
  });
  expect(await activities.destroyDueErasures()).toEqual(due);
});

it('fails the run, not to be retried, on a pseudonym the trail never makes', async () => {
  const { trail, calls } = fakeTrail(['destroyed']);
  await expect(
    recordKeepingActivities({ audit: trail }).destroyDueErasures('kyc:passed-1'),
  ).rejects.toMatchObject({ nonRetryable: true, type: 'InvalidInput' });
  expect(calls).toEqual([]);
});
