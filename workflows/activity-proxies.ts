import { proxyActivities } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { KycActivities } from '../activities/contract';
import { NON_RETRYABLE_ERROR_TYPES } from '../domain';

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
 * retried once this much silence has passed, not after its whole start-to-close timeout (up to 2 minutes,
 * found by the chaos run). Only timeouts changed, so cases already running replay unchanged.
 */
const HEARTBEAT_TIMEOUT = '10s';

export const { readKycStatus } = proxyActivities<KycActivities>({
  startToCloseTimeout: '30s',
  retry: vendorRetry,
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  summary: 'read Kriptomat KYC status',
});

export const { ensureSumsubApplicant } = proxyActivities<KycActivities>({
  startToCloseTimeout: '1m',
  retry: vendorRetry,
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  summary: 'find or create the SumSub applicant',
});

export const { readApplicantReview } = proxyActivities<KycActivities>({
  startToCloseTimeout: '30s',
  retry: vendorRetry,
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  summary: 'read the SumSub review',
});

export const { shareApplicantWithKriptomat } = proxyActivities<KycActivities>({
  // Re-read, mint and import: three calls, each with its own HTTP timeout.
  startToCloseTimeout: '2m',
  retry: vendorRetry,
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  summary: 'share the SumSub applicant with Kriptomat',
});

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
