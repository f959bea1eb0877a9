import type { MiddlewareHandler } from 'hono';
import type { NamedApiKey } from '../config/fields';
import { DEFAULT_API_KEY_NAME } from '../config/fields';
import { secretMatcher } from './secret-matcher';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

declare module 'hono' {
  interface ContextVariableMap {
    /** The name of the API key the caller presented (`KYC_API_KEYS`; `default` for `KYC_API_TOKEN`). */
    apiKeyName: string;
  }
}

/** A check of `Authorization: Bearer <secret>` (see `secretMatcher`). */
export function bearerMatcher(secret: string | undefined): (authorization: string | undefined) => boolean {
  const matches = secretMatcher(secret);
  return (authorization) => matches(authorization ? BEARER.exec(authorization)?.[1] : undefined);
}

/** Every key `/v1` takes: `KYC_API_TOKEN` as `default`, then the named `KYC_API_KEYS`. */
export function apiKeysOf(config: { KYC_API_TOKEN?: string; KYC_API_KEYS?: NamedApiKey[] }): NamedApiKey[] {
  return [
    ...(config.KYC_API_TOKEN ? [{ name: DEFAULT_API_KEY_NAME, token: config.KYC_API_TOKEN }] : []),
    ...(config.KYC_API_KEYS ?? []),
  ];
}

/**
 * The name of the key `authorization` presents, or undefined. Every key is compared, whichever matches, so
 * the time taken says nothing about which key (or how many) the API holds.
 */
export function namedBearerMatcher(
  keys: readonly NamedApiKey[],
): (authorization: string | undefined) => string | undefined {
  const matchers = keys.map(({ name, token }) => ({ name, matches: bearerMatcher(token) }));
  return (authorization) => {
    let found: string | undefined;
    for (const { name, matches } of matchers) if (matches(authorization) && found === undefined) found = name;
    return found;
  };
}

export interface BearerAuthOptions {
  /** The expected token, named `default`; when no key is given every call is refused. */
  secret?: string | undefined;
  /** More keys, each named (`KYC_API_KEYS`): any of them is accepted. */
  keys?: readonly NamedApiKey[];
  /** Shown in `WWW-Authenticate`, so a caller knows which token is wanted. */
  realm: string;
}

/**
 * Refuses with 401 `{error:'unauthorized'}` and a `WWW-Authenticate: Bearer` challenge unless the token is one
 * of the keys; a caller let in has its key's name in the context (`c.get('apiKeyName')`).
 */
export function bearerAuth({ secret, keys = [], realm }: BearerAuthOptions): MiddlewareHandler {
  const named = namedBearerMatcher(apiKeysOf({ KYC_API_TOKEN: secret, KYC_API_KEYS: [...keys] }));
  return async (c, next) => {
    const name = named(c.req.header('authorization'));
    if (name !== undefined) {
      c.set('apiKeyName', name);
      return next();
    }
    c.header('WWW-Authenticate', `Bearer realm="${realm}"`);
    return c.json({ error: 'unauthorized' }, 401);
  };
}
