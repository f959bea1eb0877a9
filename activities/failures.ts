import { ApplicationFailure } from '@temporalio/common';
import { failurePolicy, KycError } from '../domain';
import { currentActivityContext } from '../vendors/http/activity-context';

/**
 * The one place engine errors become Temporal failures, as the failure policy decides: the `type` drives the
 * retry policies' `nonRetryableErrorTypes`, `nonRetryable` says the policy parks it, and a vendor's
 * `Retry-After` becomes `nextRetryDelay`, never longer than `KYC_MAX_RETRY_AFTER`. Anything that is not a
 * `KycError` is an unexpected fault, which the policy retries: Temporal's default handling already does.
 *
 * When the activity was cancelled, whatever the aborted call failed with, the activity ends with Temporal's
 * own cancellation: the SDK records the attempt as cancelled only for a `CancelledFailure`, and a cancelled
 * case is not a vendor failure to retry.
 */
export function toApplicationFailure(error: unknown, options: { alwaysRetry?: boolean } = {}): unknown {
  const cancelled = activityCancellation();
  if (cancelled) return cancelled;
  if (!(error instanceof KycError)) return error;
  return ApplicationFailure.create({
    type: error.type,
    message: error.message,
    // `alwaysRetry`: for deliveries that must never be dropped, whatever the error says.
    nonRetryable: !options.alwaysRetry && failurePolicy(error.type).kind === 'parks',
    nextRetryDelay: error.retryAfterMs,
    details: error.context ? [error.context] : [],
  });
}

/** Wraps an activity so every `KycError` it throws reaches Temporal as the matching failure. */
export function withFailureMapping<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (error) {
      throw toApplicationFailure(error);
    }
  };
}

/** The running activity's cancellation (a `CancelledFailure`), if it was cancelled; none outside activities. */
function activityCancellation(): unknown {
  const signal = currentActivityContext()?.cancellationSignal;
  return signal?.aborted ? (signal.reason as unknown) : undefined;
}
