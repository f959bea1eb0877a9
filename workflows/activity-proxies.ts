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

export const { readKycStatus } = proxyActivities<KycActivities>({
  startToCloseTimeout: '30s',
  retry: vendorRetry,
  summary: 'read Kriptomat KYC status',
});

export const { ensureSumsubApplicant } = proxyActivities<KycActivities>({
  startToCloseTimeout: '1m',
  retry: vendorRetry,
  summary: 'find or create the SumSub applicant',
});

export const { readApplicantReview } = proxyActivities<KycActivities>({
  startToCloseTimeout: '30s',
  retry: vendorRetry,
  summary: 'read the SumSub review',
});

export const { shareApplicantWithKriptomat } = proxyActivities<KycActivities>({
  // Re-read, mint and import: three calls, each with its own HTTP timeout.
  startToCloseTimeout: '2m',
  retry: vendorRetry,
  summary: 'share the SumSub applicant with Kriptomat',
});

/**
 * Partner notifications are retried until delivered, whatever the failure: the partner's endpoint being
 * down or misconfigured must not lose an event. Receivers deduplicate by event id.
 */
export const { notifyPartner } = proxyActivities<KycActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10m' },
  summary: 'notify the partner',
});
