import type { HttpCallObserver, HttpCallRecord } from './metrics-types';

/** Which call is being timed: the vendor and its id-free endpoint name. */
export type CallName = Pick<HttpCallRecord, 'vendor' | 'endpoint'>;

/**
 * Runs one HTTP call and tells `observer` how it went: the answer's status (also when the client threw on
 * it), 0 when no answer came, and how long it took. A failing observer never fails the call it watches:
 * metrics are worth less than a KYC step.
 */
export async function observeCall<T>(
  observer: HttpCallObserver | undefined,
  name: CallName,
  send: () => Promise<T>,
): Promise<T> {
  if (!observer) return send();
  const startedAt = performance.now();
  let status = 0;
  try {
    const result = await send();
    status = statusOf(result);
    return result;
  } catch (error) {
    status = statusOf(error);
    throw error;
  } finally {
    const record = { ...name, status, durationMs: performance.now() - startedAt };
    try {
      observer(record);
    } catch {
      // A metrics bug must not turn a successful outbound request into a failed activity.
    }
  }
}

/** The HTTP status of a response, or of the response an HTTP client's error carries; 0 without one. */
function statusOf(value: unknown): number {
  if (!isRecord(value)) return 0;
  if (typeof value.status === 'number') return value.status;
  const response = value.response;
  return isRecord(response) && typeof response.status === 'number' ? response.status : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
