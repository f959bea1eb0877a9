import { KYC_PHASE } from '../../domain';
import { getStateQuery, recheckUpdate, sumsubEventSignal } from '../../workflows/messages';
import type { CaseEnv } from '../helpers/case-env';
import { ONBOARDING_PHASES, phasesOf } from '../helpers/cases';
import { eventually } from '../helpers/eventually';
import { REVIEWED, startTimeSkippingCaseEnv, sumsubEvent } from '../helpers/time-skipping-case-env';

/**
 * A user who never did KYC, through SumSub and the import, with typed fake partners and the workflow's default
 * timings, in virtual time. Listing cases by their search attributes needs a dev server:
 * case-visibility.test.ts.
 */
let t: CaseEnv;
beforeAll(async () => {
  t = await startTimeSkippingCaseEnv('case-onboarding');
});
afterAll(async () => t?.stop());

const ONBOARDED = [...ONBOARDING_PHASES, 'approved'];

describe('a not_started user', () => {
  it('is onboarded: applicant, webhook, GREEN read, one import, then Kriptomat passes the user', async () => {
    const userId = t.userOf('onboard');
    t.partners.user(userId, 'not_started');
    const handle = await t.start(userId);

    const waiting = await t.until(handle, (state) => state.phase === 'awaiting_user');
    expect(waiting.review).toMatchObject({ applicantId: `applicant-${userId}`, reviewStatus: 'init' });
    // The search attribute operations filter by (listing needs a dev server: case-visibility.test.ts).
    const shown = await eventually(async () => {
      const phase = (await handle.describe()).typedSearchAttributes.get(KYC_PHASE);
      return phase === 'awaiting_user' ? phase : undefined;
    });
    expect(shown).toBe('awaiting_user');

    await t.reviewed(handle, userId, REVIEWED.green);
    await t.until(handle, (state) => state.phase === 'awaiting_kriptomat');
    t.partners.user(userId, 'passed');
    const result = await handle.result();

    expect(phasesOf(result)).toEqual(ONBOARDED);
    // The webhook woke the case; its own read of the review found the GREEN.
    expect(result).toMatchObject({
      outcome: 'approved',
      kycStatus: 'passed',
      sumsubEvents: 1,
      sumsubChecks: 1,
    });
    expect(t.partners.imports.get(userId)).toBe(1);
    expect(t.partners.notifications.filter((event) => event.userId === userId)).toEqual([
      expect.objectContaining({
        type: 'case.action_required',
        action: 'verify_at_sumsub',
        phase: 'awaiting_user',
      }),
      expect.objectContaining({ type: 'case.completed', outcome: 'approved', kycStatus: 'passed' }),
    ]);
    const ids = t.partners.notifications
      .filter((event) => event.userId === userId)
      .map((event) => event.eventId);
    expect(new Set(ids).size).toBe(2);
  });

  it('waits through RED+RETRY for the resubmission, telling the partner, then shares on GREEN', async () => {
    const userId = t.userOf('resubmit');
    t.partners.user(userId, 'not_started');
    const handle = await t.start(userId);
    await t.until(handle, (state) => state.phase === 'awaiting_user');

    await t.reviewed(handle, userId, REVIEWED.redRetry);
    const red = await t.until(handle, (state) => state.review?.reviewAnswer === 'RED');
    expect(red.phase).toBe('awaiting_user');
    await t.reviewed(handle, userId, REVIEWED.pending, 'applicantPending');
    await t.until(handle, (state) => state.review?.reviewStatus === 'pending');
    await t.reviewed(handle, userId, REVIEWED.green);
    await t.until(handle, (state) => state.phase === 'awaiting_kriptomat');
    t.partners.user(userId, 'passed');

    expect(phasesOf(await handle.result())).toEqual(ONBOARDED);
    expect(
      t.partners.notifications.filter((event) => event.userId === userId).map((event) => event.action),
    ).toEqual(['verify_at_sumsub', 'resubmit_at_sumsub', null]);
  });

  it('ends rejected on RED+FINAL, without importing anything', async () => {
    const userId = t.userOf('final');
    t.partners.user(userId, 'not_started');
    const handle = await t.start(userId);
    await t.until(handle, (state) => state.phase === 'awaiting_user');

    await t.reviewed(handle, userId, REVIEWED.redFinal);
    const result = await handle.result();

    expect(phasesOf(result)).toEqual(['checking', 'sumsub_applicant', 'awaiting_user', 'rejected']);
    expect(result.review).toMatchObject({ reviewAnswer: 'RED', rejectType: 'FINAL' });
    expect(t.partners.imports.get(userId)).toBeUndefined();
  });

  it('takes a webhook as a hint: the review SumSub answers decides, whatever the webhook claims', async () => {
    const userId = t.userOf('noisy');
    t.partners.user(userId, 'not_started');
    const handle = await t.start(userId);
    await t.until(handle, (state) => state.phase === 'awaiting_user');

    await t.reviewed(handle, userId, REVIEWED.redRetry);
    await t.until(handle, (state) => state.sumsubChecks === 1);
    // SumSub redelivers; a GREEN from an old signal shape claims a verdict; a transaction-monitoring RED+FINAL
    // and another applicant's event reach the case. Only review events about this applicant make it look.
    const at = '2026-01-01T10:00:00.000Z';
    await handle.signal(sumsubEventSignal, sumsubEvent(userId, at));
    await handle.signal(sumsubEventSignal, {
      ...sumsubEvent(userId, '2099-01-01T00:00:00.000Z'),
      reviewStatus: 'completed',
      reviewAnswer: 'GREEN',
      rejectType: null,
    } as never);
    await handle.signal(sumsubEventSignal, sumsubEvent(userId, at, 'applicantKytTxnRejected'));
    await handle.signal(sumsubEventSignal, { ...sumsubEvent(userId, at), applicantId: 'someone-else' });
    const after = await t.until(handle, (state) => state.sumsubEvents === 5 && state.sumsubChecks >= 2);

    expect(after.phase).toBe('awaiting_user');
    expect(after.review).toMatchObject({ reviewAnswer: 'RED', rejectType: 'RETRY' });
    expect(after.sumsubChecks).toBeLessThanOrEqual(3);
    const resubmits = () =>
      t.partners.notifications.filter(
        (event) => event.userId === userId && event.action === 'resubmit_at_sumsub',
      );
    // The notification is an activity the read sets off: it may land a moment after the state changed.
    await eventually(() => (resubmits().length > 0 ? true : undefined));
    await t.reviewed(handle, userId, REVIEWED.green);
    await t.until(handle, (state) => state.phase === 'awaiting_kriptomat');
    t.partners.user(userId, 'declined');
    expect(await handle.result()).toMatchObject({ outcome: 'rejected', kycStatus: 'declined' });
    expect(t.partners.imports.get(userId)).toBe(1);
    // A finished case has sent every notification: the same RED read again asked for one resubmission only.
    expect(resubmits()).toHaveLength(1);
  });

  it('records a RED without a reject type and keeps waiting, asking the user for nothing', async () => {
    const userId = t.userOf('red-untyped');
    t.partners.user(userId, 'not_started');
    const handle = await t.start(userId);
    await t.until(handle, (state) => state.phase === 'awaiting_user');

    await t.reviewed(handle, userId, REVIEWED.redUntyped);
    const red = await t.until(handle, (state) => state.review?.reviewAnswer === 'RED');
    expect(red).toMatchObject({ phase: 'awaiting_user', review: { rejectType: null } });
    await t.reviewed(handle, userId, REVIEWED.green);
    await t.until(handle, (state) => state.phase === 'awaiting_kriptomat');
    t.partners.user(userId, 'passed');

    expect((await handle.result()).outcome).toBe('approved');
    expect(
      t.partners.notifications.filter((event) => event.userId === userId).map((event) => event.action),
    ).toEqual(['verify_at_sumsub', null]);
  });

  it('finds a GREEN review by its slow status poll when every webhook is lost', async () => {
    const userId = t.userOf('lost-webhooks');
    t.partners.user(userId, 'not_started');
    const handle = await t.start(userId);
    await t.until(handle, (state) => state.phase === 'awaiting_user');

    t.partners.review(userId, { reviewStatus: 'completed', reviewAnswer: 'GREEN', rejectType: null });
    // The fallback read comes 15 minutes (plus at most a tenth) into the wait; an hour covers it.
    await t.env.sleep('1h');
    const sharing = await handle.query(getStateQuery);

    expect(sharing.phase).toBe('awaiting_kriptomat');
    expect(sharing.sumsubEvents).toBe(0);
    expect(sharing.sumsubChecks).toBeGreaterThanOrEqual(1);
    const entered = (phase: string) => Date.parse(sharing.phases.find((c) => c.phase === phase)?.at ?? '');
    expect(entered('sharing') - entered('awaiting_user')).toBeGreaterThanOrEqual(15 * 60_000);
    t.partners.user(userId, 'passed');
    expect(phasesOf(await handle.result())).toEqual(ONBOARDED);
  });

  it('skips the wait for a user whose applicant is already GREEN at SumSub', async () => {
    const userId = t.userOf('returning');
    t.partners
      .user(userId, 'not_started')
      .review(userId, { reviewStatus: 'completed', reviewAnswer: 'GREEN', rejectType: null });
    const handle = await t.start(userId);
    await t.until(handle, (state) => state.phase === 'awaiting_kriptomat');
    t.partners.user(userId, 'passed');

    const result = await handle.result();

    expect(phasesOf(result)).toEqual([
      'checking',
      'sumsub_applicant',
      'sharing',
      'awaiting_kriptomat',
      'approved',
    ]);
    expect(
      t.partners.notifications.filter((event) => event.userId === userId).map((event) => event.type),
    ).toEqual(['case.completed']);
  });

  it('answers a recheck update with the state after a fresh SumSub read', async () => {
    const userId = t.userOf('recheck');
    t.partners.user(userId, 'not_started');
    const handle = await t.start(userId);
    await t.until(handle, (state) => state.phase === 'awaiting_user');
    t.partners.review(userId, { reviewStatus: 'pending', reviewAnswer: null, rejectType: null });

    const fresh = await handle.executeUpdate(recheckUpdate);

    expect(fresh).toMatchObject({
      phase: 'awaiting_user',
      sumsubChecks: 1,
      review: { reviewStatus: 'pending' },
    });
    expect((await handle.query(getStateQuery)).sumsubChecks).toBe(1);
    await t.reviewed(handle, userId, REVIEWED.redFinal);
    expect((await handle.result()).outcome).toBe('rejected');
  });
});
