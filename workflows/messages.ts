import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { KycCaseState } from '../domain';

/**
 * The case's messages. Callers (API, CLI, tests) import these constants rather than spelling names, so a
 * rename cannot leave a caller talking to nothing.
 */

/** The whole case state: phase, statuses, last error, phase history. */
export const getStateQuery = defineQuery<KycCaseState>('getState');

/** Read Kriptomat now instead of at the next scheduled poll (e.g. after Kriptomat's own callback). */
export const recheckSignal = defineSignal('recheck');

/** An operator fixed what parked the case in `needs_attention`: run the failed step again. */
export const retrySignal = defineSignal('retry');

export interface CancelRequest {
  reason: string;
}

/** End the case as `cancelled`, whatever phase it is in. */
export const cancelSignal = defineSignal<[CancelRequest]>('cancel');
