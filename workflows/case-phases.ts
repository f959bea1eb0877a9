import { condition } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { CaseTimings, KycCaseState, OpenPhase } from '../domain';
import { finalOutcomeFor } from '../domain';
import { shareApplicantWithKriptomat } from './activity-proxies';
import type { CaseControl } from './case-control';
import { enterPhase, publish, recordSnapshot, showDetails } from './case-record';
import { currentWait, waitForLook } from './case-waits';
import { readKriptomat } from './kriptomat-reads';
import type { PartnerNotifier } from './partner-events';
import { parkedCasesEnd } from './patches';
import { pollGap } from './poll-schedule';
import { applicantOf, awaitUserRound, findApplicant } from './user-phases';

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
  const snapshot = await readKriptomat(state.userId);
  recordSnapshot(state, snapshot);
  const { kycStatus } = snapshot;
  const waiting = kycStatus === 'pending' ? 'awaiting_kriptomat' : 'sumsub_applicant';
  enterPhase(state, finalOutcomeFor(kycStatus) ?? waiting);
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
  await waitForLook(state, wait, gap, 'next Kriptomat read', () => control.recheckRequested);
  control.recheckRequested = false;
  wait.looks += 1;
  const snapshot = await readKriptomat(state.userId);
  const changed = recordSnapshot(state, snapshot);
  const outcome = finalOutcomeFor(snapshot.kycStatus);
  if (outcome) enterPhase(state, outcome);
  else if (Date.now() >= Date.parse(wait.deadlineAt)) enterPhase(state, 'expired');
  else if (changed) publish(state);
}

/**
 * Parked: waits for an operator's `retry`, then resumes the step that failed. A case nobody retries ends
 * `unresolved` at its parked deadline (the partner is told, like any ending), so no case stays open forever.
 */
async function awaitOperator({ state, control, timings }: CaseContext): Promise<void> {
  if (parkedCasesEnd() && state.lastError) {
    state.lastError.expiresAt ??= new Date(Date.now() + msToNumber(timings.parkedDeadline)).toISOString();
    showDetails(state);
    const left = Date.parse(state.lastError.expiresAt) - Date.now();
    const retried = left > 0 && (await condition(() => control.retryRequested, left));
    if (!retried && !control.retryRequested) return enterPhase(state, 'unresolved');
  } else {
    await condition(() => control.retryRequested);
  }
  control.retryRequested = false;
  enterPhase(state, state.lastError?.step ?? 'checking');
}
