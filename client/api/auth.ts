import type { MiddlewareHandler } from 'hono';
import { createHash, timingSafeEqual } from 'node:crypto';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * A check of `Authorization: Bearer <secret>`. Both sides are hashed (the secret once, here), so the
 * comparison takes the same time whatever the token's length or first wrong byte. Without a configured
 * secret nothing matches.
 */
export function bearerMatcher(secret: string | undefined): (authorization: string | undefined) => boolean {
  const expected = secret ? sha256(secret) : null;
  return (authorization) => {
    const token = authorization && BEARER.exec(authorization)?.[1];
    return Boolean(expected && token && timingSafeEqual(sha256(token), expected));
  };
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
  const matches = bearerMatcher(secret);
  return async (c, next) => {
    if (matches(c.req.header('authorization'))) return next();
    onRefused?.();
    c.header('WWW-Authenticate', `Bearer realm="${realm}"`);
    return c.json({ error: 'unauthorized' }, 401);
  };
}
