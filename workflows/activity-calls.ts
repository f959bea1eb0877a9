import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  sleep,
} from '@temporalio/workflow';
import type { ActivityOptions, RetryPolicy } from '@temporalio/common';
import type { KycActivities } from '../activities/contract';
import type { KriptomatKycSnapshot } from '../domain';
import { NON_RETRYABLE_ERROR_TYPES, parksCase } from '../domain';
import { leanRoundTrips, retryAfterTimer } from './patches';

/**
 * Vendor outages are waited out (bounded interval, no attempt limit, `Retry-After` honoured through the
 * failure's `nextRetryDelay`); contract, auth and configuration errors are not retried but parked in
 * `needs_attention` for a person.
 */
const vendorRetry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
};

/**
 * Activities heartbeat while they run (activities/heartbeat.ts): an attempt lost with a crashed worker is
 * retried once this much silence has passed, not after its whole start-to-close timeout of up to 2 minutes.
 */
const HEARTBEAT_TIMEOUT = '10s';

/** A vendor call: its timeout and summary, with the vendor retry policy and a heartbeat. */
function vendorCall(call: Pick<ActivityOptions, 'startToCloseTimeout' | 'summary'>): ActivityOptions {
  return { ...call, retry: vendorRetry, heartbeatTimeout: HEARTBEAT_TIMEOUT };
}

const { readKycStatus: readKycStatusQueued } = proxyActivities<KycActivities>(
  vendorCall({ startToCloseTimeout: '30s', summary: 'read Kriptomat KYC status' }),
);

/**
 * The Kriptomat status read as a local activity: a short, idempotent GET that runs inside the workflow task
 * that needs it, which saves every read its three activity events, its trip through the task queue and a
 * workflow task of its own (measured by bench/). While a local activity runs, its workflow task stays open,
 * so queries and signals wait for it: a read gets one attempt of at most five seconds here.
 */
const { readKycStatus: readKycStatusLocally } = proxyLocalActivities<KycActivities>({
  startToCloseTimeout: '5s',
  retry: { maximumAttempts: 1 },
  summary: 'read Kriptomat KYC status',
});

export const { ensureSumsubApplicant } = proxyActivities<KycActivities>(
  vendorCall({ startToCloseTimeout: '1m', summary: 'find or create the SumSub applicant' }),
);

export const { readApplicantReview } = proxyActivities<KycActivities>(
  vendorCall({ startToCloseTimeout: '30s', summary: 'read the SumSub review' }),
);

export const { shareApplicantWithKriptomat } = proxyActivities<KycActivities>(
  // Re-read, mint and import: three calls, each with its own HTTP timeout.
  vendorCall({ startToCloseTimeout: '2m', summary: 'share the SumSub applicant with Kriptomat' }),
);

/**
 * Partner notifications are retried until delivered, whatever the failure: the partner's endpoint being
 * down or misconfigured must not lose an event. Receivers deduplicate by event id.
 */
export const { notifyPartner } = proxyActivities<KycActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10m' },
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  summary: 'notify the partner',
});

/**
 * Reads the user's KYC status at Kriptomat, locally first (unless the case began before local reads
 * existed). Any failure that retrying may fix falls back to the queued activity, which waits out an outage
 * on the server without growing the history; after a rate limit, only once Kriptomat's `Retry-After` has
 * passed, so no worker calls early.
 */
export async function readKycStatus(userId: string): Promise<KriptomatKycSnapshot> {
  if (!leanRoundTrips()) return readKycStatusQueued(userId);
  try {
    return await readKycStatusLocally(userId);
  } catch (error) {
    if (isCancellation(error) || finalFailure(error)) throw error;
    const cause = causeOf(error);
    if (cause instanceof ApplicationFailure && cause.nextRetryDelay != null && retryAfterTimer())
      await sleep(cause.nextRetryDelay, { summary: "Kriptomat's Retry-After" });
    return readKycStatusQueued(userId);
  }
}

/**
 * The failure behind `error` when retrying cannot fix it, as operators should read it: the case parks it in
 * `needs_attention`. Null for a cancellation and for anything a retry may fix (activity retry policies have
 * already waited those out, or the local read falls back).
 */
export function finalFailure(error: unknown): { type: string; message: string } | null {
  if (isCancellation(error)) return null;
  const cause = causeOf(error);
  if (!(cause instanceof ApplicationFailure)) return null;
  const type = cause.type ?? 'Error';
  if (!parksCase(cause)) return null;
  return { type, message: cause.message };
}

function causeOf(error: unknown): unknown {
  return error instanceof ActivityFailure ? error.cause : error;
}
