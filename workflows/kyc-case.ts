import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { ImplementedActivities } from '../activities';
import type { CaseTimings, KriptomatKycSnapshot, KycCaseInput, KycCaseState, OpenPhase } from '../domain';
import {
  DEFAULT_CASE_TIMINGS,
  ERROR_TYPES,
  finalOutcomeFor,
  isRetryableErrorType,
  NON_RETRYABLE_ERROR_TYPES,
} from '../domain';
import { enterPhase, newCaseState, publish, recordSnapshot, showDetails } from './case-record';
import { cancelSignal, getStateQuery, recheckSignal, retrySignal } from './messages';

const { readKycStatus } = proxyActivities<ImplementedActivities>({
  startToCloseTimeout: '30s',
  // Vendor outages are waited out (bounded interval, no attempt limit); contract and auth errors are not
  // retried but parked in `needs_attention` for a person.
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
  summary: 'read Kriptomat KYC status',
});

/** Thrown inside the case when an operator cancels it; caught once at the top. */
class CaseCancelled extends Error {}

/**
 * One Kriptomat user's KYC case: reads the user's status and follows it to approved, rejected or expired.
 * Phases that need SumSub (a `not_started` user) arrive with the case-workflow issue; such a case is parked
 * in `needs_attention` with an error that says so.
 */
export async function kycCase(input: KycCaseInput): Promise<KycCaseState> {
  const timings = resolveTimings(input.timings);
  const state = newCaseState(input.userId);
  const pending = { recheck: false, retry: false, cancel: null as string | null };

  setHandler(getStateQuery, () => state);
  setHandler(recheckSignal, () => void (pending.recheck = true));
  setHandler(retrySignal, () => void (pending.retry = true));
  setHandler(cancelSignal, ({ reason }) => void (pending.cancel ??= reason));
  publish(state);

  /** Waits for `ready` or a cancel, at most `timeout` when given; throws when cancelled. */
  async function waitFor(ready: () => boolean, timeout?: number): Promise<void> {
    const woke = () => ready() || pending.cancel !== null;
    if (timeout === undefined) await condition(woke);
    else await condition(woke, timeout);
    if (pending.cancel !== null) throw new CaseCancelled();
  }

  /** Parks the case in `needs_attention` until an operator retries (returns) or cancels (throws). */
  async function park(phase: OpenPhase, failure: { type: string; message: string }): Promise<void> {
    state.lastError = { ...failure, step: phase, at: new Date().toISOString() };
    enterPhase(state, 'needs_attention');
    pending.retry = false;
    await waitFor(() => pending.retry);
    pending.retry = false;
    enterPhase(state, phase);
  }

  /** Runs a step; a failure that retrying cannot fix parks the case, and an operator's retry runs it again. */
  async function step<T>(phase: OpenPhase, run: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await run();
      } catch (error) {
        const failure = nonRetryableFailure(error);
        if (!failure) throw error;
        await park(phase, failure);
      }
    }
  }

  async function readKriptomat(phase: OpenPhase): Promise<KriptomatKycSnapshot> {
    const snapshot = await step(phase, () => readKycStatus(input.userId));
    recordSnapshot(state, snapshot);
    return snapshot;
  }

  /** Polls Kriptomat on the schedule (or at once on `recheck`) until it decides or the deadline passes. */
  async function awaitKriptomatDecision(): Promise<void> {
    enterPhase(state, 'awaiting_kriptomat');
    const deadline = Date.now() + msToNumber(timings.decisionDeadline);
    for (let poll = 0; ; poll++) {
      const gap = msToNumber(timings.pollSchedule[Math.min(poll, timings.pollSchedule.length - 1)] ?? '1h');
      const wait = Math.max(0, Math.min(gap, deadline - Date.now()));
      state.nextCheckAt = new Date(Date.now() + wait).toISOString();
      showDetails(state);
      await waitFor(() => pending.recheck, wait);
      pending.recheck = false;
      const outcome = finalOutcomeFor((await readKriptomat('awaiting_kriptomat')).kycStatus);
      if (outcome) return enterPhase(state, outcome);
      if (Date.now() >= deadline) return enterPhase(state, 'expired');
    }
  }

  /** Reads the user and routes the case; retried by an operator while there is nothing to route to. */
  async function check(): Promise<void> {
    for (;;) {
      const { kycStatus } = await readKriptomat('checking');
      const outcome = finalOutcomeFor(kycStatus);
      if (outcome) return enterPhase(state, outcome);
      if (kycStatus === 'pending') return awaitKriptomatDecision();
      await park('checking', SUMSUB_NOT_BUILT);
    }
  }

  try {
    await check();
  } catch (error) {
    if (!(error instanceof CaseCancelled)) throw error;
    state.cancelReason = pending.cancel;
    enterPhase(state, 'cancelled');
  }
  return state;
}

function resolveTimings(overrides: Partial<CaseTimings> | undefined): CaseTimings {
  const timings = { ...DEFAULT_CASE_TIMINGS, ...overrides };
  if (timings.pollSchedule.length === 0) timings.pollSchedule = DEFAULT_CASE_TIMINGS.pollSchedule;
  return timings;
}

/** The failure behind `error` when retrying cannot fix it, as operators should read it. */
function nonRetryableFailure(error: unknown): { type: string; message: string } | null {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (!(cause instanceof ApplicationFailure)) return null;
  const type = cause.type ?? 'Error';
  if (!cause.nonRetryable && isRetryableErrorType(type)) return null;
  return { type, message: cause.message };
}

/** Until the SumSub phases land, a `not_started` user is a case an operator must handle. */
const SUMSUB_NOT_BUILT = {
  type: ERROR_TYPES.Configuration,
  message: 'the user has not started KYC, and SumSub onboarding is not built into this version yet',
};
