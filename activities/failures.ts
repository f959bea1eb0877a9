import { ApplicationFailure } from '@temporalio/common';
import { KycError } from '../domain';

/**
 * The one place engine errors become Temporal failures: the `type` drives the retry policies'
 * `nonRetryableErrorTypes`, and a vendor's `Retry-After` becomes `nextRetryDelay`. Anything that is not a
 * `KycError` is a bug or an unexpected fault and is left to the default (retryable) handling.
 */
export function toApplicationFailure(error: unknown, options: { alwaysRetry?: boolean } = {}): unknown {
  if (!(error instanceof KycError)) return error;
  return ApplicationFailure.create({
    type: error.type,
    message: error.message,
    // `alwaysRetry`: for deliveries that must never be dropped, whatever the error says.
    nonRetryable: !options.alwaysRetry && !error.retryable,
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
