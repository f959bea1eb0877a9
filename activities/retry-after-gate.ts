import { ApplicationFailure } from '@temporalio/common';
import { msOptionalToNumber } from '@temporalio/common/lib/time';
import { ERROR_TYPES } from '../domain';
import { currentActivityContext } from '../vendors/http/activity-context';

/** The earliest each rate-limited activity may try again, by workflow run and activity type. */
const notBefore = new Map<string, number>();

/**
 * Makes sure a rate-limited activity is not retried before the vendor's `Retry-After`, even when Temporal
 * hands the retry out early. Normally the failure's `nextRetryDelay` is enough; but when the Temporal server
 * crashes right after a 429, the retry may come as soon as it is back, whatever the delay. So the worker
 * remembers the 429, and the next run of the same activity for the same workflow run in
 * this process (its retry, or the ordinary activity a local one falls back to) first waits out what is left
 * of it: usually nothing. A case runs one activity at a time, so the type names the call. Heartbeats go on
 * while it waits.
 */
export function withRetryAfterGate<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    const context = currentActivityContext();
    if (!context) return fn(...args);
    const { info } = context;
    const key = `${info.workflowExecution?.runId ?? ''}/${info.activityType}`;
    const waitMs = (notBefore.get(key) ?? 0) - Date.now();
    notBefore.delete(key);
    // Never so long that the attempt itself would time out; a cancellation ends the wait (`Context.sleep`).
    if (waitMs > 0) await context.sleep(Math.min(waitMs, info.startToCloseTimeoutMs / 2));
    try {
      return await fn(...args);
    } catch (error) {
      const retryAfterMs = rateLimitDelay(error);
      if (retryAfterMs !== undefined) {
        remember(key, Date.now() + retryAfterMs);
      }
      throw error;
    }
  };
}

/** The `Retry-After` a rate-limit failure carries (as its `nextRetryDelay`, capped where the header is read). */
function rateLimitDelay(error: unknown): number | undefined {
  if (!(error instanceof ApplicationFailure) || error.type !== ERROR_TYPES.RateLimited) return undefined;
  return msOptionalToNumber(error.nextRetryDelay);
}

function remember(key: string, until: number): void {
  // Entries whose time has passed are useless: dropped, so the map stays as small as the 429s in flight.
  const now = Date.now();
  for (const [other, time] of notBefore) if (time <= now) notBefore.delete(other);
  notBefore.set(key, until);
}
