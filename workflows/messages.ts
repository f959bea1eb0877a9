import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { KycCaseState, SumsubEvent } from '../domain';

/**
 * The case's messages. Callers (API, CLI, tests) import these constants rather than spelling names, so a
 * rename cannot leave a caller talking to nothing.
 */

/** The whole case state: phase, statuses, review, last error, phase history. */
export const getStateQuery = defineQuery<KycCaseState>('getState');

/** Read now instead of at the next scheduled read (e.g. after Kriptomat's own callback). Fire and forget. */
export const recheckSignal = defineSignal('recheck');

/**
 * Read now and answer with the state after the read. Refused (validator) once the case has ended; in a
 * phase that does not read on a schedule, answers at once with the current state.
 */
export const recheckUpdate = defineUpdate<KycCaseState>('recheck');

/**
 * A SumSub review event about this user's applicant: wakes the case to read the review from SumSub, and that
 * read decides. Forged, duplicated, late or out-of-order events are harmless; invalid input is dropped.
 */
export const sumsubEventSignal = defineSignal<[SumsubEvent]>('sumsubEvent');

/** An operator fixed what parked the case in `needs_attention`: run the failed step again. */
export const retrySignal = defineSignal('retry');

export interface CancelRequest {
  reason: string;
}

/**
 * End the case as `cancelled`, whatever phase it is in. The reason is kept as one line of plain text of at most
 * `MAX_CASE_TEXT_LENGTH` characters (domain/plain-text.ts).
 */
export const cancelSignal = defineSignal<[CancelRequest]>('cancel');
