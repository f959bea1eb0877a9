import type { Client } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import type { AuditActivities } from '../../activities/audit';
import { startOrJoinCase } from '../../client/kyc-cases';
import type { KycCaseState } from '../../domain';
import { KYC_PHASE, KYC_STATUS, kycWorkflowId } from '../../domain';
import { cancelSignal, getStateQuery, retrySignal, sumsubEventSignal } from '../../workflows/messages';
import type { CaseEnv } from '../helpers/case-env';
import { phasesOf } from '../helpers/cases';
import { runInBackground, testWorkflowSource, uniqueTaskQueue } from '../helpers/test-worker';
import { REVIEWED, startTimeSkippingCaseEnv, sumsubEvent } from '../helpers/time-skipping-case-env';

/**
 * Deadlines, continue-as-new, operator messages: the workflow's own logic, with typed fake partners and its
 * default timings, in virtual time.
 */
let t: CaseEnv;
beforeAll(async () => {
  t = await startTimeSkippingCaseEnv('case-lifecycle');
});
afterAll(async () => t?.stop());

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Every run of a case, oldest first, followed from its first run through each continue-as-new. */
async function runsOf(client: Client, workflowId: string, firstRunId: string) {
  const runs: { runId: string; historyLength: number }[] = [];
  let runId: string | null | undefined = firstRunId;
  while (runId) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    runs.push({ runId, historyLength: events.length });
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
  return runs;
}

/** When the case entered `phase` (its first time), in ms since the epoch of the server's clock. */
function enteredAt(state: KycCaseState, phase: KycCaseState['phase']): number {
  const change = state.phases.find((entry) => entry.phase === phase);
  if (!change) throw new Error(`the case never entered ${phase}`);
  return Date.parse(change.at);
}

describe('long cases', () => {
  it('polls a pending user hourly for its 14 days across several runs, each with a small history, then expires', async () => {
    const userId = t.userOf('slow-kriptomat');
    t.partners.user(userId, 'pending');
    const handle = await t.start(userId);

    const result = await handle.result();

    expect(result).toMatchObject({ outcome: 'expired', kycStatus: 'pending' });
    expect(phasesOf(result)).toEqual(['checking', 'awaiting_kriptomat', 'expired']);
    // The last read is at the deadline itself: never past it, never an hour short of it.
    const waited = enteredAt(result, 'expired') - enteredAt(result, 'awaiting_kriptomat');
    expect(waited).toBeGreaterThanOrEqual(14 * DAY_MS);
    expect(waited).toBeLessThan(14 * DAY_MS + HOUR_MS);
    // Hourly reads, each gap stretched by up to a tenth, after the first hour's faster ones.
    expect(result.kriptomatChecks).toBeGreaterThanOrEqual(Math.floor((14 * 24) / 1.1));
    expect(result.kriptomatChecks).toBeLessThanOrEqual(14 * 24 + 6);
    expect(result.runs).toBeGreaterThanOrEqual(6);
    const runs = await runsOf(t.env.client, handle.workflowId, handle.firstExecutionRunId);
    expect(runs).toHaveLength(result.runs);
    // 1,000 events per run at the default 50 waits per run allows 20 events per wait, start-up included.
    for (const run of runs) expect(run.historyLength).toBeLessThanOrEqual(50 * 20);
    const last = await t.env.client.workflow.getHandle(handle.workflowId, runs.at(-1)?.runId).describe();
    expect(last.searchAttributes).toBeDefined();
    expect(last.typedSearchAttributes.get(KYC_PHASE)).toBe('expired');
    expect(last.typedSearchAttributes.get(KYC_STATUS)).toBe('pending');
  });

  it('keeps its review and deadline across continue-as-new while the user verifies', async () => {
    const userId = t.userOf('slow-user');
    t.partners.user(userId, 'not_started');
    const handle = await t.start(userId);
    const waiting = await t.until(handle, (state) => state.phase === 'awaiting_user');
    await t.reviewed(handle, userId, REVIEWED.redRetry);
    await t.until(handle, (state) => state.review?.reviewAnswer === 'RED');

    // 30 hours of fallback reads, every 15 minutes plus at most a tenth: over 100 waits, two continue-as-new.
    await t.env.sleep('30h');
    const continued = await handle.query(getStateQuery);
    expect(continued.runs).toBeGreaterThanOrEqual(3);
    expect(continued.phase).toBe('awaiting_user');
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
    // Its 30-day deadline, with the fallback read (for lost webhooks) set past it: the one read is the last
    // look at the deadline.
    const userId = t.userOf('never-verifies');
    t.partners.user(userId, 'not_started');
    const handle = await t.start(userId, { reviewPollInterval: '31d' });

    const result = await handle.result();

    expect(phasesOf(result)).toEqual(['checking', 'sumsub_applicant', 'awaiting_user', 'expired']);
    const waited = enteredAt(result, 'expired') - enteredAt(result, 'awaiting_user');
    expect(waited).toBeGreaterThanOrEqual(30 * DAY_MS);
    expect(waited).toBeLessThan(30 * DAY_MS + HOUR_MS);
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

  it('tells the partner each time the case parks, by error type only, and records each in the audit trail', async () => {
    // A worker of its own, whose audit activity keeps what the case writes.
    const written: Parameters<AuditActivities['recordAudit']>[0][] = [];
    const taskQueue = uniqueTaskQueue('case-lifecycle-audited');
    const worker = await Worker.create({
      connection: t.env.nativeConnection,
      taskQueue,
      activities: {
        ...t.partners.activities(),
        recordAudit: (input: Parameters<AuditActivities['recordAudit']>[0]) => {
          written.push(input);
          return Promise.resolve();
        },
      },
      ...testWorkflowSource(),
    });
    const stopWorker = runInBackground(worker);
    try {
      const userId = t.userOf('parked-twice');
      t.partners.user(userId, 'not_started').review(userId, REVIEWED.green);
      t.partners.fail('shareApplicantWithKriptomat', userId, 'contract');
      const handle = await startOrJoinCase(t.env.client, userId, { taskQueue });
      const parkings = (state: KycCaseState) => phasesOf(state).filter((p) => p === 'needs_attention').length;

      await t.until(handle, (state) => parkings(state) === 1);
      await handle.signal(retrySignal); // the share still fails: the case parks again
      await t.until(handle, (state) => parkings(state) === 2);
      t.partners.heal('shareApplicantWithKriptomat', userId);
      await handle.signal(retrySignal);
      await t.until(handle, (state) => state.phase === 'awaiting_kriptomat');
      t.partners.user(userId, 'passed');
      expect((await handle.result()).outcome).toBe('approved');

      const told = t.partners.notifications.filter((event) => event.userId === userId);
      expect(told.map(({ type, phase, errorType }) => ({ type, phase, errorType }))).toEqual([
        { type: 'case.needs_attention', phase: 'needs_attention', errorType: 'ContractViolation' },
        { type: 'case.needs_attention', phase: 'needs_attention', errorType: 'ContractViolation' },
        { type: 'case.completed', phase: 'approved', errorType: undefined },
      ]);
      // The partner learns the kind of failure, never its message (which may quote the vendor's answer).
      expect(JSON.stringify(told)).not.toContain('data.kyc_status');
      const sent = written
        .filter((flush) => flush.userId === userId)
        .flatMap((flush) => flush.entries.map((entry) => entry.record))
        .filter((record) => record.kind === 'notification.sent');
      expect(sent).toEqual([
        { kind: 'notification.sent', data: { eventType: 'case.needs_attention', deliveryId: '1' } },
        { kind: 'notification.sent', data: { eventType: 'case.needs_attention', deliveryId: '2' } },
        { kind: 'notification.sent', data: { eventType: 'case.completed', deliveryId: '3' } },
      ]);
    } finally {
      await stopWorker();
    }
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
