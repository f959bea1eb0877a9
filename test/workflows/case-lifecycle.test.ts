import type { KycCaseState } from '../../domain';
import { KYC_PHASE, KYC_STATUS, kycWorkflowId } from '../../domain';
import { cancelSignal, retrySignal, sumsubEventSignal } from '../../workflows/messages';
import type { FakeCaseEnv } from '../helpers/fake-case-env';
import { phasesOf } from '../helpers/cases';
import { REVIEWED, startFakeCaseEnv, sumsubEvent } from '../helpers/fake-case-env';

/** Deadlines, continue-as-new, operator messages: the workflow's own logic, with typed fake partners. */
let t: FakeCaseEnv;
beforeAll(async () => {
  t = await startFakeCaseEnv('case-lifecycle');
});
afterAll(async () => t?.stop());

/** Every run of a case, oldest first, as the server lists them. */
async function runsOf(userId: string) {
  const runs = [];
  for await (const execution of t.env.client.workflow.list({
    query: `WorkflowId="${kycWorkflowId(userId)}"`,
  })) {
    runs.push(execution);
  }
  return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
}

describe('long cases', () => {
  it('polls a pending user for a "week" across several runs, each with a small history, then expires', async () => {
    // A week of hourly polls, compressed: one-second polls, an 8 s deadline, 3 waits per run.
    const userId = t.userOf('slow-kriptomat');
    t.partners.user(userId, 'pending');
    const handle = await t.start(userId, { decisionDeadline: '8s', waitsPerRun: 3 });

    const result = await handle.result();

    expect(result).toMatchObject({ outcome: 'expired', kycStatus: 'pending' });
    expect(phasesOf(result)).toEqual(['checking', 'awaiting_kriptomat', 'expired']);
    expect(result.runs).toBeGreaterThanOrEqual(3);
    expect(result.kriptomatChecks).toBeGreaterThanOrEqual(7);
    const runs = await runsOf(userId);
    expect(runs).toHaveLength(result.runs);
    // 1,000 events per run at the default 50 waits per run allows 20 events per wait, start-up included.
    for (const run of runs) expect(run.historyLength).toBeLessThanOrEqual(3 * 20);
    expect(runs.at(-1)?.searchAttributes).toBeDefined();
    expect(runs.at(-1)?.typedSearchAttributes.get(KYC_PHASE)).toBe('expired');
    expect(runs.at(-1)?.typedSearchAttributes.get(KYC_STATUS)).toBe('pending');
  });

  it('keeps its review and deadline across continue-as-new while the user verifies', async () => {
    const userId = t.userOf('slow-user');
    t.partners.user(userId, 'not_started');
    const handle = await t.start(userId, { reviewPollInterval: '1s', waitsPerRun: 2 });
    const waiting = await t.until(handle, (state) => state.phase === 'awaiting_user');
    await t.reviewed(handle, userId, REVIEWED.redRetry);

    const continued = await t.until(handle, (state) => state.runs >= 3, 30_000);
    expect(continued.wait?.deadlineAt).toBe(waiting.wait?.deadlineAt);
    expect(continued.review).toMatchObject({ reviewAnswer: 'RED', rejectType: 'RETRY' });
    // The same RED, read again after the continue-as-new, is not news: one resubmission notice in all.
    await handle.signal(sumsubEventSignal, sumsubEvent(userId, '2026-01-01T10:00:00.000Z'));
    await t.reviewed(handle, userId, REVIEWED.redFinal);

    expect((await handle.result()).outcome).toBe('rejected');
    const resubmits = t.partners.notifications.filter(
      (event) => event.userId === userId && event.action === 'resubmit_at_sumsub',
    );
    expect(resubmits).toHaveLength(1);
  });

  it('expires when the user does not pass SumSub before the deadline, after one last look', async () => {
    // The 30-day deadline, compressed to 2 s.
    const userId = t.userOf('never-verifies');
    t.partners.user(userId, 'not_started');
    const handle = await t.start(userId, { userDeadline: '2s' });

    const result = await handle.result();

    expect(phasesOf(result)).toEqual(['checking', 'sumsub_applicant', 'awaiting_user', 'expired']);
    expect(result.sumsubChecks).toBe(1);
    expect(
      t.partners.notifications.filter((event) => event.userId === userId).map((event) => event.type),
    ).toEqual(['case.action_required', 'case.completed']);
  });
});

describe('needs_attention', () => {
  it('parks a case whose SumSub step breaks its contract, and resumes that step on retry', async () => {
    const userId = t.userOf('broken-sumsub');
    t.partners.user(userId, 'not_started').fail('ensureSumsubApplicant', userId, 'contract');
    const handle = await t.start(userId);

    const parked = await t.until(handle, (state) => state.phase === 'needs_attention');
    expect(parked.lastError).toMatchObject({ type: 'ContractViolation', step: 'sumsub_applicant' });
    expect(parked.lastError?.message).toContain('data.kyc_status');
    t.partners.heal('ensureSumsubApplicant', userId);
    t.partners.review(userId, { reviewStatus: 'completed', reviewAnswer: 'GREEN', rejectType: null });
    await handle.signal(retrySignal);
    await t.until(handle, (state) => state.phase === 'awaiting_kriptomat');
    t.partners.user(userId, 'passed');

    const result = await handle.result();
    expect(phasesOf(result)).toEqual([
      'checking',
      'sumsub_applicant',
      'needs_attention',
      'sumsub_applicant',
      'sharing',
      'awaiting_kriptomat',
      'approved',
    ]);
    expect(result.lastError).toBeNull();
  });

  it('resumes a parked wait with its original deadline, and imports only once', async () => {
    const userId = t.userOf('broken-share');
    t.partners.user(userId, 'not_started').fail('shareApplicantWithKriptomat', userId, 'contract');
    t.partners.review(userId, { reviewStatus: 'completed', reviewAnswer: 'GREEN', rejectType: null });
    const handle = await t.start(userId);
    await t.until(handle, (state) => state.phase === 'needs_attention');

    t.partners.heal('shareApplicantWithKriptomat', userId);
    await handle.signal(retrySignal);
    await handle.signal(retrySignal); // a second operator clicks too: harmless
    await t.until(handle, (state) => state.phase === 'awaiting_kriptomat');
    t.partners.user(userId, 'passed');

    expect((await handle.result()).outcome).toBe('approved');
    expect(t.partners.imports.get(userId)).toBe(1);
  });
});

describe('cancel', () => {
  /** Brings a case of `userId` to `phase`, with the fake partners set up by `arrange`. */
  const cases: [string, (userId: string) => void, KycCaseState['phase']][] = [
    [
      'checking (Kriptomat down)',
      (u) => t.partners.user(u, 'pending').fail('readKycStatus', u, 'outage'),
      'checking',
    ],
    [
      'sumsub_applicant (SumSub down)',
      (u) => t.partners.user(u, 'not_started').fail('ensureSumsubApplicant', u, 'outage'),
      'sumsub_applicant',
    ],
    ['awaiting_user', (u) => t.partners.user(u, 'not_started'), 'awaiting_user'],
    [
      'sharing (Kriptomat down)',
      (u) =>
        t.partners
          .user(u, 'not_started')
          .review(u, { reviewStatus: 'completed', reviewAnswer: 'GREEN', rejectType: null })
          .fail('shareApplicantWithKriptomat', u, 'outage'),
      'sharing',
    ],
    ['awaiting_kriptomat', (u) => t.partners.user(u, 'pending'), 'awaiting_kriptomat'],
    [
      'needs_attention',
      (u) => t.partners.user(u, 'pending').fail('readKycStatus', u, 'contract'),
      'needs_attention',
    ],
  ];

  it.each(cases)(
    'ends a case in %s as cancelled, with the reason, and tells the partner',
    async (_, arrange, phase) => {
      const userId = t.userOf('cancel');
      arrange(userId);
      const handle = await t.start(userId, { pollSchedule: ['1h'] });
      await t.until(handle, (state) => state.phase === phase);
      // An outage shows as an activity still retrying: let it fail at least once.
      if (phase === 'checking' || phase === 'sumsub_applicant' || phase === 'sharing') {
        await t.until(
          handle,
          () =>
            t.partners.calls.filter((call) => call.userId === userId).length >=
            2 + (phase === 'checking' ? 0 : 1),
        );
      }

      await handle.signal(cancelSignal, { reason: 'support ticket 42' });
      const result = await handle.result();

      expect(result).toMatchObject({
        phase: 'cancelled',
        outcome: 'cancelled',
        cancelReason: 'support ticket 42',
      });
      expect(phasesOf(result).slice(-2)).toEqual([phase, 'cancelled']);
      expect(t.partners.notifications.filter((event) => event.userId === userId).at(-1)).toMatchObject({
        type: 'case.completed',
        outcome: 'cancelled',
      });
    },
  );

  it('takes a cancel sent without input, as the Temporal UI and CLI allow', async () => {
    const userId = t.userOf('cancel-bare');
    t.partners.user(userId, 'pending');
    const handle = await t.start(userId, { pollSchedule: ['1h'] });
    await t.until(handle, (state) => state.phase === 'awaiting_kriptomat');
    // A raw signal with no arguments: the typed definition would insist on a reason.
    await t.env.client.workflow.getHandle(kycWorkflowId(userId)).signal('cancel');
    expect(await handle.result()).toMatchObject({
      outcome: 'cancelled',
      cancelReason: 'cancelled without a reason',
    });
  });
});
