import { ApplicationFailure } from '@temporalio/workflow';
import type { KycCaseState } from '../domain';
import { ERROR_TYPES } from '../domain';
import { ensureSumsubApplicant, readApplicantReview } from './activity-proxies';
import { enterPhase, showDetails } from './case-record';
import type { CaseContext } from './case-phases';
import { currentWait, waitForLook } from './case-waits';
import { pollGap } from './poll-schedule';
import { reviewFromRead, verdictOf } from './review';

// The SumSub side of a case: finding the applicant, then waiting for the user's review.

/** Finds or creates the SumSub applicant; a user who already passed or failed SumSub skips the wait. */
export async function findApplicant(ctx: CaseContext): Promise<void> {
  const { state, control, notifier } = ctx;
  state.review = reviewFromRead(await ensureSumsubApplicant(state.userId), new Date().toISOString());
  control.absorbEarlyEvents();
  control.reviewChanged = false;
  if (routeReview(ctx)) return;
  enterPhase(state, 'awaiting_user');
  const resubmit = verdictOf(state.review) === 'red_retry';
  notifier.actionRequired(resubmit ? 'resubmit_at_sumsub' : 'verify_at_sumsub');
}

/**
 * Waits for a webhook, a recheck or the fallback poll, reads the review, and acts on what SumSub answered;
 * expires at the deadline.
 */
export async function awaitUserRound(ctx: CaseContext): Promise<void> {
  const { state, timings, control } = ctx;
  const wait = currentWait(state, 'awaiting_user', timings.userDeadline);
  if (routeReview(ctx)) return;
  const gap = pollGap([timings.reviewPollInterval], 0, timings.jitter, Math.random);
  await waitForLook(
    state,
    wait,
    gap,
    'SumSub review poll (fallback for lost webhooks)',
    () => control.reviewChanged || control.recheckRequested || control.reviewHinted,
  );
  // Only a run that began before webhooks became hints can be woken by a review it was handed.
  const mustLook = control.recheckRequested || control.reviewHinted || !control.reviewChanged;
  control.recheckRequested = false;
  control.reviewHinted = false;
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

/** Acts on the review the case holds; true when it ended the wait for the user (shared, or rejected). */
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

export function applicantOf(state: KycCaseState): string {
  if (!state.review)
    throw ApplicationFailure.nonRetryable('the case has no SumSub applicant yet', ERROR_TYPES.Configuration);
  return state.review.applicantId;
}
