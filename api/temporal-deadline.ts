import type { Client } from '@temporalio/client';
import type { Context, MiddlewareHandler } from 'hono';

/**
 * Bounds every Temporal call a request makes with a gRPC deadline `timeoutMs(c)` away, so an unreachable
 * cluster costs a caller about that long (then 503), not the SDK's whole retry budget (about 20 s). The
 * deadline travels with the request's async context, so handlers need not pass it along. (An abort signal
 * would not do: it cancels one attempt, and the SDK's retry interceptor carries on.)
 */
export function temporalDeadline(client: Client, timeoutMs: (c: Context) => number): MiddlewareHandler {
  return async (c, next) => {
    await client.withDeadline(Date.now() + timeoutMs(c), () => next());
  };
}

/** The SDK's longest backoff between retries is 5 s; the deadline is noticed within one. */
const SAFETY_MS = 5_000;

/**
 * Runs `call` under a deadline `ms` away. The SDK notices the deadline only between its retries, up to a
 * backoff later; should it not notice at all, a safety timer answers with a timeout error anyway: for
 * probes that must answer on time whatever Temporal does.
 */
export async function withTimeout<T>(client: Client, ms: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Temporal did not answer within ${ms} ms`)), ms + SAFETY_MS);
  });
  try {
    return await Promise.race([client.withDeadline(Date.now() + ms, call), expired]);
  } finally {
    clearTimeout(timer);
  }
}
