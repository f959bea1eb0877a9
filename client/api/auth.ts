import type { MiddlewareHandler } from 'hono';
import { createHash, timingSafeEqual } from 'node:crypto';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * True when `authorization` is `Bearer <secret>`. Both sides are hashed first, so the comparison takes the
 * same time whatever the token's length or first wrong byte. Without a configured secret nothing matches.
 */
export function bearerMatches(authorization: string | undefined, secret: string | undefined): boolean {
  if (!secret || !authorization) return false;
  const token = BEARER.exec(authorization)?.[1];
  if (!token) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(token), digest(secret));
}

export interface BearerAuthOptions {
  /** The expected token; when unset every call is refused. */
  secret: string | undefined;
  /** Shown in `WWW-Authenticate`, so a caller knows which token is wanted. */
  realm: string;
  /** Told about every refusal (for the webhook metrics). */
  onRefused?: () => void;
}

/** Refuses with 401 `{error:'unauthorized'}` and a `WWW-Authenticate: Bearer` challenge unless the token matches. */
export function bearerAuth({ secret, realm, onRefused }: BearerAuthOptions): MiddlewareHandler {
  return async (c, next) => {
    if (bearerMatches(c.req.header('authorization'), secret)) return next();
    onRefused?.();
    c.header('WWW-Authenticate', `Bearer realm="${realm}"`);
    return c.json({ error: 'unauthorized' }, 401);
  };
}
