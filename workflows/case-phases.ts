import { ApplicationFailure, condition } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { Duration } from '@temporalio/common';
import type { CaseTimings, CaseWait, KycCaseState, OpenPhase } from '../domain';
import { ERROR_TYPES, finalOutcomeFor } from '../domain';
import {
  ensureSumsubApplicant,
  readApplicantReview,
  readKycStatus,
  shareApplicantWithKriptomat,
} from './activity-proxies';
import type { CaseControl } from './case-control';
import { enterPhase, publish, recordSnapshot, showDetails } from './case-record';
import type { PartnerNotifier } from './partner-events';
import { pollGap, waitBefore } from './poll-schedule';
import { reviewFromRead, verdictOf } from './review';

/** What every phase works with. */
export interface CaseContext {
  state: KycCaseState;
  timings: CaseTimings;
  control: CaseControl;
  notifier: PartnerNotifier;
}

/**
 * One step of the phase the case is in. Each step either moves the case to another phase or, in a waiting
 * phase, finishes one round (one wait, one look) and returns, so the caller can continue as new between
 * rounds. All progress lives in the state, which is what a new run resumes from.
 */
export async function runPhase(ctx: CaseContext, phase: OpenPhase): Promise<void> {
  switch (phase) {
    case 'checking':
      return check(ctx);
    case 'sumsub_applicant':
      return findApplicant(ctx);
    case 'awaiting_user':
      return awaitUserRound(ctx);
    case 'sharing':
      return share(ctx);
    case 'awaiting_kriptomat':
      return awaitKriptomatRound(ctx);
    case 'needs_attention':
      return awaitOperator(ctx);
  }
}

/** Reads the Kriptomat user and routes the case by its status. */
async function check({ state }: CaseContext): Promise<void> {
  recordSnapshot(state, await readKycStatus(state.userId));
  const status = state.kycStatus;
  enterPhase(
    state,
    finalOutcomeFor(status ?? 'not_started') ??
      (status === 'pending' ? 'awaiting_kriptomat' : 'sumsub_applicant'),
  );
}

/** Finds or creates the SumSub applicant; a user who already passed or failed SumSub skips the wait. */
async function findApplicant({ state, control, notifier }: CaseContext): Promise<void> {
  state.review = reviewFromRead(await ensureSumsubApplicant(state.userId), new Date().toISOString());
  control.absorbEarlyEvents();
  control.reviewChanged = false;
  const verdict = verdictOf(state.review);
  if (verdict === 'green') return enterPhase(state, 'sharing');
  if (verdict === 'red_final') return enterPhase(state, 'rejected');
  enterPhase(state, 'awaiting_user');
  notifier.actionRequired(verdict === 'red_retry' ? 'resubmit_at_sumsub' : 'verify_at_sumsub');
}

/** Waits for a webhook, a recheck or the fallback poll, then acts on the review; expires at the deadline. */
async function awaitUserRound(ctx: CaseContext): Promise<void> {
  const { state, timings, control } = ctx;
  const wait = currentWait(state, 'awaiting_user', timings.userDeadline);
  if (routeReview(ctx)) return;
  const gap = pollGap([timings.reviewPollInterval], 0, timings.jitter, Math.random);
  await waitForLook(
    ctx,
    wait,
    gap,
    'SumSub review poll (fallback for lost webhooks)',
    () => control.reviewChanged || control.recheckRequested,
  );
  const mustLook = control.recheckRequested || !control.reviewChanged;
  control.recheckRequested = false;
  wait.looks += 1;
  if (mustLook) await readReview(ctx);
  if (routeReview(ctx)) return;
  if (Date.now() >= Date.parse(wait.deadlineAt)) enterPhase(state, 'expired');
}

async function readReview({ state, control }: CaseContext): Promise<void> {
  const review = await readApplicantReview(applicantOf(state));
  state.sumsubChecks += 1;
  control.takeReview(reviewFromRead(review, new Date().toISOString()));
}

/** Acts on the review the case holds; true when the case left `awaiting_user`. */
function routeReview({ state, control, notifier }: CaseContext): boolean {
  const changed = control.reviewChanged;
  control.reviewChanged = false;
  const verdict = verdictOf(state.review);
  if (verdict === 'green') enterPhase(state, 'sharing');
  else if (verdict === 'red_final') enterPhase(state, 'rejected');
  else if (changed) {
    if (verdict === 'red_retry') notifier.actionRequired('resubmit_at_sumsub');
    showDetails(state);
  }
  return verdict === 'green' || verdict === 'red_final';
}

/** Shares the GREEN applicant with Kriptomat (the activity never imports twice) and follows its answer. */
async function share({ state }: CaseContext): Promise<void> {
  const { kyc } = await shareApplicantWithKriptomat({
    userId: state.userId,
    applicantId: applicantOf(state),
  });
  recordSnapshot(state, kyc);
  enterPhase(state, finalOutcomeFor(kyc.kycStatus) ?? 'awaiting_kriptomat');
}

/** Waits for the next scheduled read (or a recheck), reads Kriptomat, and ends the case when it decided. */
async function awaitKriptomatRound(ctx: CaseContext): Promise<void> {
  const { state, timings, control } = ctx;
  const wait = currentWait(state, 'awaiting_kriptomat', timings.decisionDeadline);
  const gap = pollGap(timings.pollSchedule, wait.looks, timings.jitter, Math.random);
  await waitForLook(ctx, wait, gap, 'next Kriptomat read', () => control.recheckRequested);
  control.recheckRequested = false;
  wait.looks += 1;
  const changed = recordSnapshot(state, await readKycStatus(state.userId));
  const outcome = finalOutcomeFor(state.kycStatus ?? 'pending');
  if (outcome) enterPhase(state, outcome);
  else if (Date.now() >= Date.parse(wait.deadlineAt)) enterPhase(state, 'expired');
  else if (changed) publish(state);
}

/** Parked: waits for an operator's `retry`, then resumes the step that failed. */
async function awaitOperator({ state, control }: CaseContext): Promise<void> {
  await condition(() => control.retryRequested);
  control.retryRequested = false;
  enterPhase(state, state.lastError?.step ?? 'checking');
}

/** The wait of `phase`, started now unless the case is resuming it (after a retry or continue-as-new). */
function currentWait(state: KycCaseState, phase: CaseWait['phase'], deadline: Duration): CaseWait {
  if (state.wait?.phase === phase) return state.wait;
  const now = Date.now();
  state.wait = { phase, since: iso(now), deadlineAt: iso(now + msToNumber(deadline)), looks: 0 };
  return state.wait;
}

/** Sleeps until the next look is due (never past the deadline) or `woken` turns true. */
async function waitForLook(
  { state }: CaseContext,
  wait: CaseWait,
  gapMs: number,
  summary: string,
  woken: () => boolean,
): Promise<void> {
  const ms = waitBefore(gapMs, Date.now(), Date.parse(wait.deadlineAt));
  state.nextCheckAt = iso(Date.now() + ms);
  showDetails(state);
  if (ms > 0 && !woken()) await condition(woken, ms, { summary });
  state.nextCheckAt = null;
}

function applicantOf(state: KycCaseState): string {
  if (!state.review)
    throw ApplicationFailure.nonRetryable('the case has no SumSub applicant yet', ERROR_TYPES.Configuration);
  return state.review.applicantId;
}

const iso = (ms: number) => new Date(ms).toISOString();
