import { recheckUpdate, sumsubEventSignal } from '../../workflows/messages';
import type { FakeCaseEnv } from '../helpers/fake-case-env';
import { REVIEWED, startFakeCaseEnv, sumsubEvent } from '../helpers/fake-case-env';

/**
 * Row 6 of the hostile-networks table: a SumSub delivery delayed for hours (SumSub retries after 5 min, 1 h,
 * 5 h and 18 h) arrives after the case read a newer review. Whatever the delivery says, the case acts on what
 * SumSub answers now: a webhook only wakes it to read.
 */
let t: FakeCaseEnv;
beforeAll(async () => {
  t = await startFakeCaseEnv('row06-stale-webhook');
});
afterAll(async () => t?.stop());

it('a delayed GREEN delivery after a fresh RED read shares nothing: the read decides', async () => {
  const userId = t.userOf('stale');
  t.partners.user(userId, 'not_started');
  const handle = await t.start(userId);
  await t.until(handle, (state) => state.phase === 'awaiting_user');
  // The user was GREEN for a moment, then SumSub's re-review said RED+RETRY; the case reads that now.
  t.partners.review(userId, REVIEWED.redRetry);
  const fresh = await handle.executeUpdate(recheckUpdate);
  expect(fresh.review).toMatchObject({ reviewAnswer: 'RED', rejectType: 'RETRY' });

  // The GREEN's delivery, delayed by SumSub's retries, in the shape an API replica of the previous release
  // signals (the review inside): it must not override the read.
  await handle.signal(sumsubEventSignal, {
    ...sumsubEvent(userId, '2026-01-01T09:00:00.000Z'),
    reviewStatus: 'completed',
    reviewAnswer: 'GREEN',
    rejectType: null,
  } as never);
  // The case either moved on (it believed the delivery) or read SumSub again (the delivery woke it).
  const after = await t.until(
    handle,
    (state) => state.sumsubEvents === 1 && (state.phase !== 'awaiting_user' || state.sumsubChecks >= 2),
  );

  expect(after.phase).toBe('awaiting_user');
  expect(after.review).toMatchObject({ reviewAnswer: 'RED', rejectType: 'RETRY' });
  expect(t.partners.calls.filter((call) => call.userId === userId).map((call) => call.name)).not.toContain(
    'shareApplicantWithKriptomat',
  );
  expect(t.partners.imports.get(userId)).toBeUndefined();
  await handle.terminate('test done');
});
