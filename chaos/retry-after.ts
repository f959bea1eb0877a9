import type { LoggedRequest } from '../sandbox/shared/request-log';

export interface RetryAfterFigures {
  /** 429s the simulators answered, each with `Retry-After: retryAfterSeconds`. */
  rateLimited: number;
  /** Those followed by another call for the same user and endpoint (the retry). */
  retried: number;
  retryAfterMs: number;
  /** The smallest gap between a 429 and the next call for the same user and endpoint; null without any. */
  smallestGapMs: number | null;
  /** Retries that came sooner than `Retry-After`: must be 0. */
  violations: number;
  /** The first few of them: which vendor, endpoint and user, and how soon. */
  early: { call: string; userId: string; gapMs: number }[];
}

/**
 * When a call reached the simulator, as nearly as its log tells: the log time, except for a call the
 * Kriptomat simulator let hang, which it logs once the hang is over (SumSub logs those on arrival). Without
 * this, a call that hung before a 429 would look like a retry right after it.
 */
function arrival(request: LoggedRequest, hangMs: number): number {
  return request.service === 'kriptomat' && request.fault === 'timeout' ? request.at - hangMs : request.at;
}

/**
 * Whether the engine waited as long as the vendor asked: for every 429 (all carry `Retry-After`), the next
 * call for the same user to the same endpoint of the same vendor must come no earlier than `Retry-After`
 * after it. Both times come from the simulators' own log, taken the same way for every call.
 */
export function checkRetryAfter(
  requests: readonly LoggedRequest[],
  faults: { retryAfterSeconds: number; hangMs: number },
): RetryAfterFigures {
  const { retryAfterSeconds, hangMs } = faults;
  const retryAfterMs = retryAfterSeconds * 1000;
  const byTarget = new Map<string, LoggedRequest[]>();
  for (const request of requests) {
    if (request.userId === null) continue;
    const target = `${request.service} ${request.endpoint} ${request.userId}`;
    byTarget.set(target, [...(byTarget.get(target) ?? []), request]);
  }
  let rateLimited = 0;
  let retried = 0;
  let violations = 0;
  let smallestGapMs: number | null = null;
  const early: RetryAfterFigures['early'] = [];
  for (const calls of byTarget.values()) {
    const ordered = calls.map((call) => ({ ...call, at: arrival(call, hangMs) })).sort((a, b) => a.at - b.at);
    ordered.forEach((call, index) => {
      if (call.fault !== 'rate_limit') return;
      rateLimited += 1;
      const next = ordered[index + 1];
      if (!next) return;
      retried += 1;
      const gap = next.at - call.at;
      smallestGapMs = smallestGapMs === null ? gap : Math.min(smallestGapMs, gap);
      if (gap >= retryAfterMs) return;
      violations += 1;
      if (early.length < 10)
        early.push({ call: `${call.service}.${call.endpoint}`, userId: call.userId ?? '', gapMs: gap });
    });
  }
  return { rateLimited, retried, retryAfterMs, smallestGapMs, violations, early };
}
