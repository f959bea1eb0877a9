import type { Context, MiddlewareHandler } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import { createHash } from 'node:crypto';

const MINUTE_MS = 60_000;

/**
 * The caller a request counts against: its credential, hashed (the token itself is never kept as a key).
 * Runs after the bearer check, so only a caller holding a valid key has a budget, and a stranger cannot use
 * up the partner's.
 */
function callerKey(c: Context): string {
  const credential = c.req.header('authorization') ?? '';
  return createHash('sha256').update(credential).digest('base64url');
}

export interface CallerLimitOptions {
  /** Requests per minute one caller may make (per process: each API replica counts its own). */
  perMinute: number;
  /** What is limited, in the 429's message. */
  what: string;
}

/**
 * A per-caller limit over a fixed one-minute window (`hono-rate-limiter`'s memory store). Past it the caller
 * gets 429 `{error:'rate_limited'}` with `Retry-After` (whole seconds until the window resets, at least 1);
 * every answer carries `RateLimit-Limit`/`-Remaining`/`-Reset` so a well-behaved client can pace itself.
 */
export function callerLimit({ perMinute, what }: CallerLimitOptions): MiddlewareHandler {
  return rateLimiter({
    windowMs: MINUTE_MS,
    limit: perMinute,
    standardHeaders: 'draft-6',
    keyGenerator: callerKey,
    handler: (c) => {
      const info = c.get('rateLimit') as { resetTime?: Date } | undefined;
      const waitMs = (info?.resetTime?.getTime() ?? Date.now() + MINUTE_MS) - Date.now();
      c.header('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
      const message = `at most ${perMinute} ${what} a minute; try again after Retry-After seconds`;
      return c.json({ error: 'rate_limited', message }, 429);
    },
  });
}
