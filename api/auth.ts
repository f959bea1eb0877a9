import type { MiddlewareHandler } from 'hono';
import { secretMatcher } from './secret-matcher';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** A check of `Authorization: Bearer <secret>` (see `secretMatcher`). */
export function bearerMatcher(secret: string | undefined): (authorization: string | undefined) => boolean {
  const matches = secretMatcher(secret);
  return (authorization) => matches(authorization ? BEARER.exec(authorization)?.[1] : undefined);
}

export interface BearerAuthOptions {
  /** The expected token; when unset every call is refused. */
  secret: string | undefined;
  /** Shown in `WWW-Authenticate`, so a caller knows which token is wanted. */
  realm: string;
}

/** Refuses with 401 `{error:'unauthorized'}` and a `WWW-Authenticate: Bearer` challenge unless the token matches. */
export function bearerAuth({ secret, realm }: BearerAuthOptions): MiddlewareHandler {
  const matches = bearerMatcher(secret);
  return async (c, next) => {
    if (matches(c.req.header('authorization'))) return next();
    c.header('WWW-Authenticate', `Bearer realm="${realm}"`);
    return c.json({ error: 'unauthorized' }, 401);
  };
}
