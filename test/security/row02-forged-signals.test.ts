import { startOrJoinCase } from '../../client/kyc-cases';
import { kycDataConverter } from '../../codec';
import { kycWorkflowId } from '../../domain';
import { cancelSignal, sumsubEventSignal } from '../../workflows/messages';
import { codecClient, TEST_CODEC_CONFIG } from '../helpers/codec';
import type { FakeCaseEnv } from '../helpers/fake-case-env';
import { FAST_TIMINGS, REVIEWED, startFakeCaseEnv, sumsubEvent } from '../helpers/fake-case-env';

/**
 * Row 2 of the hostile-networks table, the workflow's half (the codec's half is row02-plaintext-payloads):
 * someone with Temporal access but without the payload key signals a case directly. A plaintext signal is
 * decoded into the untrusted marker, a malformed one breaks its schema: both are dropped and counted, the
 * case stays exactly where it was and goes on to its normal end. No message carries a verdict anyway.
 */
let t: FakeCaseEnv;
beforeAll(async () => {
  t = await startFakeCaseEnv('row02-forged-signals', { dataConverter: kycDataConverter(TEST_CODEC_CONFIG) });
});
afterAll(async () => t?.stop());

it('a forged plaintext GREEN and a malformed signal leave the case as it was; it then ends normally', async () => {
  const userId = t.userOf('forged');
  t.partners.user(userId, 'not_started');
  // The engine's own client, with the key, starts the case; `t.env.client` (no key) is the forger's.
  const engine = codecClient(t.env);
  const handle = await startOrJoinCase(engine, userId, { taskQueue: t.taskQueue, timings: FAST_TIMINGS });
  const before = await t.until(handle, (state) => state.phase === 'awaiting_user');

  const forged = t.env.client.workflow.getHandle(kycWorkflowId(userId));
  await forged.signal(sumsubEventSignal, {
    ...sumsubEvent(userId, '2026-01-01T10:00:00.000Z'),
    reviewStatus: 'completed',
    reviewAnswer: 'GREEN',
    rejectType: null,
  } as never);
  await forged.signal(cancelSignal, { reason: 'forged without the key' });
  // With the key, but not the shape of the signal: dropped as invalid.
  await handle.signal(sumsubEventSignal, { verdict: 'GREEN', applicantId: 42 } as never);
  // Either all three were dropped, or one of them moved the case.
  const after = await t.until(
    handle,
    (state) => state.droppedMessages === 3 || state.phase !== 'awaiting_user',
  );

  expect(after).toMatchObject({
    phase: 'awaiting_user',
    sumsubEvents: before.sumsubEvents,
    sumsubChecks: before.sumsubChecks,
    cancelReason: null,
    review: before.review,
  });
  expect(t.partners.calls.filter((call) => call.userId === userId).map((call) => call.name)).not.toContain(
    'shareApplicantWithKriptomat',
  );

  // Still progressing: SumSub's real GREEN, announced by a genuine webhook, onboards the user.
  t.partners.review(userId, REVIEWED.green);
  await handle.signal(sumsubEventSignal, sumsubEvent(userId, new Date().toISOString()));
  await t.until(handle, (state) => state.phase === 'awaiting_kriptomat');
  t.partners.user(userId, 'passed');
  expect(await handle.result()).toMatchObject({ outcome: 'approved', droppedMessages: 3 });
});
