import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  isCancellation,
  makeContinueAsNewFunc,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseTimings, KycCaseInput, KycCaseState, OpenPhase } from '../domain';
import {
  DEFAULT_CASE_TIMINGS,
  ERROR_TYPES,
  isOutcome,
  isRetryableErrorType,
  isUntrustedPayload,
  KYC_PHASE,
  MAX_CASE_TEXT_LENGTH,
  plainText,
} from '../domain';
import { CaseControl } from './case-control';
import type { CaseContext } from './case-phases';
import { runPhase } from './case-phases';
import { enterPhase, newCaseState, publish, searchAttributesOf, showDetails } from './case-record';
import { PartnerNotifier } from './partner-events';
import { leanRoundTrips, reviewReadDecides } from './patches';

/**
 * One Kriptomat user's KYC case, from the first status read to approved, rejected, expired or cancelled
 * (architecture.md, "The case, phase by phase"). The state is the whole case: it is answered by `getState`,
 * carried across continue-as-new, and returned as the result.
 */
export async function kycCase(input: KycCaseInput): Promise<KycCaseState> {
  // Only the engine's own client (with the codec) may start a case: a plaintext start is not one of ours.
  if (isUntrustedPayload(input))
    throw ApplicationFailure.nonRetryable(
      'the case input was not encrypted by the engine',
      ERROR_TYPES.Configuration,
    );
  const timings = resolveTimings(input.timings);
  const state = input.resume ?? newCaseState(input.userId);
  const control = new CaseControl(state, reviewReadDecides());
  control.register();
  const ctx: CaseContext = { state, timings, control, notifier: new PartnerNotifier(state) };
  // A resumed case's search attributes came along with continue-as-new, and a case started as the client
  // library starts it already shows `checking`: only the UI details are per run.
  if (input.resume || (leanRoundTrips() && startedShowing(state))) showDetails(state);
  else publish(state);

  try {
    await control.work.run(() => runUntilDone(ctx, input));
  } catch (error) {
    if (!isCancellation(error) || control.cancelReason === null) throw error;
    state.cancelReason = control.cancelReason;
    enterPhase(state, 'cancelled');
  }
  ctx.notifier.completed();
  await settle(ctx);
  return state;
}

/**
 * Runs phase after phase until the case ends. A failure that retrying cannot fix parks the case in
 * `needs_attention` (activity retry policies have already waited out the retryable ones); after enough
 * waits, or when the server suggests it, the case continues as new so no run's history grows large.
 */
async function runUntilDone(ctx: CaseContext, input: KycCaseInput): Promise<void> {
  const { state, timings } = ctx;
  let waits = 0;
  while (!isOutcome(state.phase)) {
    const phase = state.phase;
    try {
      await runPhase(ctx, phase);
    } catch (error) {
      const failure = nonRetryableFailure(error);
      if (!failure) throw error;
      park(state, phase, failure);
    }
    if (phase === 'awaiting_user' || phase === 'awaiting_kriptomat') waits += 1;
    if (!isOutcome(state.phase) && (waits >= timings.waitsPerRun || workflowInfo().continueAsNewSuggested)) {
      await continueCase(ctx, input);
    }
  }
}

/** Hands the case to a fresh run once every notification and message handler has finished. */
async function continueCase(ctx: CaseContext, input: KycCaseInput): Promise<never> {
  const { state } = ctx;
  await settle(ctx);
  const next = makeContinueAsNewFunc<(input: KycCaseInput) => Promise<KycCaseState>>({
    typedSearchAttributes: searchAttributesOf(state),
  });
  return next({ userId: input.userId, timings: input.timings, resume: { ...state, runs: state.runs + 1 } });
}

/** Before a run ends (completed or continued): every partner notification delivered, every handler done. */
async function settle({ notifier }: CaseContext): Promise<void> {
  await notifier.delivered();
  await condition(allHandlersFinished);
}

/** Whether the search attributes the case started with already show its phase (the start's are in history). */
function startedShowing(state: KycCaseState): boolean {
  return workflowInfo().typedSearchAttributes.get(KYC_PHASE) === state.phase;
}

function park(state: KycCaseState, step: OpenPhase, failure: { type: string; message: string }): void {
  state.lastError = {
    ...failure,
    message: plainText(failure.message, MAX_CASE_TEXT_LENGTH),
    step,
    at: new Date().toISOString(),
  };
  enterPhase(state, 'needs_attention');
}

function resolveTimings(overrides: Partial<CaseTimings> | undefined): CaseTimings {
  const timings = { ...DEFAULT_CASE_TIMINGS, ...overrides };
  if (timings.pollSchedule.length === 0) timings.pollSchedule = DEFAULT_CASE_TIMINGS.pollSchedule;
  timings.waitsPerRun = Math.max(1, Math.floor(timings.waitsPerRun));
  return timings;
}

/** The failure behind `error` when retrying cannot fix it, as operators should read it. */
function nonRetryableFailure(error: unknown): { type: string; message: string } | null {
  if (isCancellation(error)) return null;
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (!(cause instanceof ApplicationFailure)) return null;
  const type = cause.type ?? 'Error';
  if (!cause.nonRetryable && isRetryableErrorType(type)) return null;
  return { type, message: cause.message };
}
