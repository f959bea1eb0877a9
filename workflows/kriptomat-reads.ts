import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  proxyLocalActivities,
  sleep,
} from '@temporalio/workflow';
import type { KycActivities } from '../activities/contract';
import type { KriptomatKycSnapshot } from '../domain';
import { isRetryableErrorType } from '../domain';
import { readKycStatus } from './activity-proxies';
import { leanRoundTrips, retryAfterTimer } from './patches';

/**
 * The Kriptomat status read as a local activity: a short, idempotent GET that runs inside the workflow task
 * that needs it. Measured by the bench (bench/), this saves every read its three activity events, its trip
 * through the task queue and a workflow task of its own: the check, and every poll of `awaiting_kriptomat`.
 * While a local activity runs, its workflow task stays open, so queries and signals wait for it: a read gets
 * one attempt of at most five seconds here. Any failure that retrying may fix falls back to the ordinary
 * activity, which waits out an outage on the server (without growing the history) as every read did before;
 * after a rate limit, only once Kriptomat's `Retry-After` has passed.
 */
const { readKycStatus: readKycStatusHere } = proxyLocalActivities<KycActivities>({
  startToCloseTimeout: '5s',
  retry: { maximumAttempts: 1 },
  summary: 'read Kriptomat KYC status',
});

/** Reads the user's KYC status at Kriptomat: locally, unless the case began before local reads existed. */
export async function readKriptomat(userId: string): Promise<KriptomatKycSnapshot> {
  if (!leanRoundTrips()) return readKycStatus(userId);
  try {
    return await readKycStatusHere(userId);
  } catch (error) {
    const cause = error instanceof ActivityFailure ? error.cause : error;
    if (isCancellation(error) || failsForGood(cause)) throw error;
    if (cause instanceof ApplicationFailure && cause.nextRetryDelay != null && retryAfterTimer())
      await sleep(cause.nextRetryDelay, { summary: "Kriptomat's Retry-After" });
    return readKycStatus(userId);
  }
}

/** A failure retrying cannot fix (the case parks it in `needs_attention`), as the case's own loop reads it. */
function failsForGood(cause: unknown): boolean {
  if (!(cause instanceof ApplicationFailure)) return false;
  return cause.nonRetryable || !isRetryableErrorType(cause.type ?? 'Error');
}
