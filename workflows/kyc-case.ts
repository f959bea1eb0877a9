import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  log,
  makeContinueAsNewFunc,
  ParentClosePolicy,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type {
  ApprovedUserWatchInput,
  CaseTimings,
  CaseWatchRequest,
  KycCaseInput,
  KycCaseState,
  OpenPhase,
} from '../domain';
import {
  DEFAULT_CASE_TIMINGS,
  EDD_STATUS,
  finalOutcomeFor,
  isOutcome,
  KYC_PHASE,
  KYC_STATUS,
  readGap,
  verdictOf,
  waitBefore,
  WATCH_PHASE,
  watchWorkflowId,
} from '../domain';
import {
  ensureSumsubApplicant,
  finalFailure,
  readApplicantReview,
  readKycStatus,
  shareApplicantWithKriptomat,
} from './activity-calls';
import { KycCase } from './kyc-case-state';
import { handleMessages } from './messages';
import type { approvedUserWatch } from './approved-user-watch';
import {
  auditTrail,
  leanRoundTrips,
  notifyNeedsAttention,
  parkedCasesEnd,
  reviewReadDecides,
  watchApprovedUsers,
} from './patches';
import { refuseUntrustedInput } from './untrusted-input';
import { watchRecheckSignal } from './watch-messages';

/**
 * One Kriptomat user's KYC case, from the first status read to approved, rejected, expired or cancelled
 * (docs/architecture.md, "The case, phase by phase"): read the user's status at Kriptomat; find or create the
 * SumSub applicant; wait for the user's review; share a GREEN applicant with Kriptomat, which imports it;
 * follow Kriptomat until it decides. The state is the whole case: it is answered by `getState`, carried
 * across continue-as-new, and returned as the result.
 */
export async function kycCase(input: KycCaseInput): Promise<KycCaseState> {
  refuseUntrustedInput(input, 'case');
  const timings = resolveTimings(input.timings);
  const audited = auditTrail();
  const kase = input.resume
    ? new KycCase(input.resume, timings, audited)
    : KycCase.open(input.userId, timings, audited);
  handleMessages(kase, reviewReadDecides());
  // A resumed case's search attributes came along with continue-as-new, and a case started as the client
  // library starts it already shows `checking`: only the UI details are per run.
  if (input.resume || (leanRoundTrips() && startedShowing(kase))) kase.showDetails();
  else kase.publish();

  await kase.runUntilCancelled(() => runUntilDone(kase, input));
  if (kase.state.outcome === 'approved' && input.watch && watchApprovedUsers()) {
    if (kase.audited) await kase.flushAudit();
    await startWatch(kase, input.watch);
  }
  kase.end();
  kase.notify('case.completed');
  await settle(kase);
  return kase.state;
}

/**
 * Runs step after step until the case ends. A failure that retrying cannot fix parks the case in
 * `needs_attention`; after enough waits, or when the server suggests it, the case continues as new so no
 * run's history grows large.
 */
async function runUntilDone(kase: KycCase, input: KycCaseInput): Promise<void> {
  let waits = 0;
  while (!isOutcome(kase.state.phase)) {
    const phase = kase.state.phase;
    try {
      await step(kase, phase);
    } catch (error) {
      const failure = finalFailure(error);
      if (!failure) throw error;
      kase.park(phase, failure);
      // Once per parking: a retry that parks again tells the partner again.
      if (notifyNeedsAttention()) kase.notifyParked();
    }
    if (phase === 'awaiting_user' || phase === 'awaiting_kriptomat') waits += 1;
    if (
      !isOutcome(kase.state.phase) &&
      (waits >= kase.timings.waitsPerRun || workflowInfo().continueAsNewSuggested)
    )
      await continueAsNew(kase, input);
  }
}

/**
 * One step of the phase the case is in. Each step either moves the case to another phase or, in a waiting
 * phase, finishes one round (one wait, one read) and returns, so the caller can continue as new between
 * rounds. All progress lives in the state, which is what a new run resumes from.
 */
async function step(kase: KycCase, phase: OpenPhase): Promise<void> {
  // What the last step learned and decided is written before this one acts on it or waits. Reading the
  // status first depends on nothing recorded: the start is written with what that read finds.
  if (kase.audited && phase !== 'checking') await kase.flushAudit();
  switch (phase) {
    case 'checking':
      return readStatus(kase);
    case 'sumsub_applicant':
      return findApplicant(kase);
    case 'awaiting_user':
      return awaitReview(kase);
    case 'sharing':
      return share(kase);
    case 'awaiting_kriptomat':
      return followKriptomat(kase);
    case 'needs_attention':
      return awaitOperator(kase);
  }
}

/** Status: reads the Kriptomat user and routes the case by its status. */
async function readStatus(kase: KycCase): Promise<void> {
  const snapshot = await readKycStatus(kase.state.userId);
  kase.learnStatus(snapshot);
  const { kycStatus } = snapshot;
  const waiting = kycStatus === 'pending' ? 'awaiting_kriptomat' : 'sumsub_applicant';
  kase.enterPhase(finalOutcomeFor(kycStatus) ?? waiting);
}

/** Applicant: finds or creates it at SumSub; a user who already passed or failed SumSub skips the wait. */
async function findApplicant(kase: KycCase): Promise<void> {
  kase.learnApplicant(await ensureSumsubApplicant(kase.state.userId));
  if (actOnReview(kase)) return;
  kase.enterPhase('awaiting_user');
  const resubmit = verdictOf(kase.state.review) === 'red_retry';
  kase.notify('case.action_required', resubmit ? 'resubmit_at_sumsub' : 'verify_at_sumsub');
}

/**
 * Review: one round of waiting for the user (a webhook, a recheck or the fallback read), then reads the
 * review and acts on what SumSub answered; expires at the deadline.
 */
async function awaitReview(kase: KycCase): Promise<void> {
  kase.enterWait('awaiting_user', kase.timings.userDeadline);
  if (actOnReview(kase)) return;
  if (await untilReviewReadDue(kase)) kase.learnReviewRead(await readApplicantReview(kase.applicantId));
  if (actOnReview(kase)) return;
  if (kase.waitExpired()) kase.enterPhase('expired');
}

/** Acts on the review the case holds; true when it ended the wait for the user (shared, or rejected). */
function actOnReview(kase: KycCase): boolean {
  const changed = kase.takeReviewChange();
  const verdict = verdictOf(kase.state.review);
  if (verdict === 'green') kase.enterPhase('sharing');
  else if (verdict === 'red_final') kase.enterPhase('rejected');
  else if (changed) {
    if (verdict === 'red_retry') kase.notify('case.action_required', 'resubmit_at_sumsub');
    kase.showDetails();
  }
  return verdict === 'green' || verdict === 'red_final';
}

/** Share and import: shares the GREEN applicant with Kriptomat (which never imports twice), follows its answer. */
async function share(kase: KycCase): Promise<void> {
  const { result, kyc } = await shareApplicantWithKriptomat({
    userId: kase.state.userId,
    applicantId: kase.applicantId,
  });
  kase.learnImport(result);
  kase.learnStatus(kyc);
  kase.enterPhase(finalOutcomeFor(kyc.kycStatus) ?? 'awaiting_kriptomat');
}

/** Follow: one round of waiting for the next scheduled read (or a recheck), then the verdict if Kriptomat gave one. */
async function followKriptomat(kase: KycCase): Promise<void> {
  kase.enterWait('awaiting_kriptomat', kase.timings.decisionDeadline);
  await untilKriptomatReadDue(kase);
  const snapshot = await readKycStatus(kase.state.userId);
  const changed = kase.learnStatus(snapshot);
  const outcome = finalOutcomeFor(snapshot.kycStatus);
  if (outcome) kase.enterPhase(outcome);
  else if (kase.waitExpired()) kase.enterPhase('expired');
  else if (changed) kase.publish();
}

/**
 * Parked: waits for an operator's `retry`, then resumes the step that failed. A case nobody retries ends
 * `unresolved` at its parked deadline (the partner is told, like any ending), so no case stays open forever.
 */
async function awaitOperator(kase: KycCase): Promise<void> {
  const endsAt = parkedCasesEnd() ? kase.parkedUntil(kase.timings.parkedDeadline) : null;
  if (endsAt) {
    const left = Date.parse(endsAt) - Date.now();
    const retried = left > 0 && (await condition(() => kase.asked.retry, left));
    if (!retried && !kase.asked.retry) return kase.enterPhase('unresolved');
  } else {
    await condition(() => kase.asked.retry);
  }
  kase.resume();
}

// Waiting for the next read

/** Waits in `awaiting_kriptomat` until the next read of the read schedule is due, or a `recheck` asks. */
async function untilKriptomatReadDue(kase: KycCase): Promise<void> {
  const { pollSchedule, jitter } = kase.timings;
  const gap = readGap(pollSchedule, kase.wait.looks, jitter, Math.random);
  await untilDue(kase, gap, 'next Kriptomat read', () => kase.asked.recheck);
  kase.readDue();
}

/**
 * Waits in `awaiting_user` for a webhook, a recheck or the fallback read. True when the review must be read:
 * always, unless the wait ended on a review a signal carried (only in runs without `review-read-decides-1`,
 * workflows/patches.ts).
 */
async function untilReviewReadDue(kase: KycCase): Promise<boolean> {
  const { timings } = kase;
  const gap = readGap([timings.reviewPollInterval], 0, timings.jitter, Math.random);
  const { asked } = kase;
  await untilDue(
    kase,
    gap,
    'SumSub review poll (fallback for lost webhooks)',
    () => asked.reviewChange || asked.recheck || asked.reviewHint,
  );
  const mustRead = asked.recheck || asked.reviewHint || !asked.reviewChange;
  kase.readDue();
  return mustRead;
}

/** Sleeps until the read is due (never past the wait's deadline) or `woken` turns true. */
async function untilDue(kase: KycCase, gapMs: number, summary: string, woken: () => boolean): Promise<void> {
  const ms = waitBefore(gapMs, Date.now(), Date.parse(kase.wait.deadlineAt));
  kase.scheduleRead(Date.now() + ms);
  if (ms > 0 && !woken()) await condition(woken, ms, { summary });
}

// After the verdict

/**
 * Starts the approved user's watch as a child that outlives the case (`ABANDON`). Its id is the user's, so a
 * user has one watch at most: a later case that approves the same user while the watch runs finds it running
 * (a child start has no conflict policy: it fails as already started) and asks it to read now instead, keeping
 * the changes it has seen; a watch that has ended (cancelled) is replaced by a new one (`ALLOW_DUPLICATE`).
 * Nothing here can change the verdict: a watch that cannot start is logged, and the case ends approved.
 */
async function startWatch(kase: KycCase, request: CaseWatchRequest): Promise<void> {
  const { userId, kycStatus, eddStatus, updatedAt } = kase.state;
  if (!kycStatus || !eddStatus) return;
  const workflowId = watchWorkflowId(userId);
  const input: ApprovedUserWatchInput = {
    userId,
    approved: { kycStatus, eddStatus, at: updatedAt },
    ...(request.schedule && request.schedule.length > 0 && { settings: { schedule: request.schedule } }),
  };
  try {
    await startChild<typeof approvedUserWatch>('approvedUserWatch', {
      workflowId,
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      typedSearchAttributes: [
        { key: KYC_PHASE, value: WATCH_PHASE },
        { key: KYC_STATUS, value: kycStatus },
        { key: EDD_STATUS, value: eddStatus },
      ],
      staticSummary: `Watch of approved Kriptomat user ${userId}`,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
      log.warn('the watch of the approved user could not start', { workflowId });
      return;
    }
    try {
      await getExternalWorkflowHandle(workflowId).signal(watchRecheckSignal, { reason: 'case_approved' });
    } catch {
      log.warn('the running watch of the approved user took no recheck', { workflowId });
    }
  }
}

// Between runs

/** Hands the case to a fresh run once every notification and message handler has finished. */
async function continueAsNew(kase: KycCase, input: KycCaseInput): Promise<never> {
  await settle(kase);
  const next = makeContinueAsNewFunc<typeof kycCase>({ typedSearchAttributes: kase.searchAttributes() });
  return next({
    userId: input.userId,
    timings: input.timings,
    ...(input.watch && { watch: input.watch }),
    resume: kase.handover(),
  });
}

/** Before a run ends (completed or continued): every partner notification delivered, every handler done. */
async function settle(kase: KycCase): Promise<void> {
  if (kase.audited) await kase.flushAudit();
  await kase.notificationsDelivered();
  await condition(allHandlersFinished);
}

/** Whether the search attributes the case started with already show its phase (the start's are in history). */
function startedShowing(kase: KycCase): boolean {
  return workflowInfo().typedSearchAttributes.get(KYC_PHASE) === kase.state.phase;
}

function resolveTimings(overrides: Partial<CaseTimings> | undefined): CaseTimings {
  const timings = { ...DEFAULT_CASE_TIMINGS, ...overrides };
  if (timings.pollSchedule.length === 0) timings.pollSchedule = DEFAULT_CASE_TIMINGS.pollSchedule;
  timings.waitsPerRun = Math.max(1, Math.floor(timings.waitsPerRun));
  return timings;
}
