import type { z } from '@hono/zod-openapi';
import { ErrorSchema, INT32_MAX, ValidationErrorSchema } from './schemas';

/** Building blocks of the route definitions: JSON responses and the error answers most routes share. */

/** A JSON response of `schema`, for a route's `responses`. */
export function json<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** The security requirement of `/v1` routes (the scheme is registered by `createApp`). */
export const BEARER_SECURITY = [{ bearerAuth: [] }];

/** Name of the bearer scheme in the OpenAPI document. */
export const BEARER_SCHEME = 'bearerAuth';

/** An integer header's schema: int32 in `[minimum, maximum]`. */
const intHeader = (minimum: number, maximum: number = INT32_MAX) => ({
  type: 'integer' as const,
  format: 'int32',
  minimum,
  maximum,
});

/** The most requests a minute `KYC_API_REQUESTS_PER_MINUTE` (and the case-start limit) may allow. */
const MAX_PER_MINUTE = 1_000_000;

/**
 * The headers `callerLimit` (`api/rate-limit.ts`, draft-6 of the IETF RateLimit headers) sets on every
 * answer given once the caller passed its credential check, the 429 included.
 */
const RATE_LIMIT_HEADERS = {
  'RateLimit-Policy': {
    schema: { type: 'string' as const, maxLength: 24, pattern: '^[0-9]+;w=60$' },
    description: 'The limit and its window in seconds',
  },
  'RateLimit-Limit': { schema: intHeader(1, MAX_PER_MINUTE), description: 'Requests per window' },
  'RateLimit-Remaining': { schema: intHeader(0, MAX_PER_MINUTE), description: 'Left in it' },
  'RateLimit-Reset': { schema: intHeader(0, 60), description: 'Seconds to its end (left out at 0)' },
};

type Response = { description: string; headers?: Record<string, unknown> };

/** `response` with the caller-limit headers declared. */
function withRateLimit<R extends Response>(response: R): R {
  return { ...response, headers: { ...response.headers, ...RATE_LIMIT_HEADERS } };
}

/**
 * A route's responses with the caller-limit headers on every answer that passed the credential check: all
 * but `except` (the 401 of a missing credential, and whatever else is refused before the limit counts).
 */
export function rateLimited<T extends Record<number, Response>>(
  responses: T,
  except: readonly number[] = [401],
): T {
  const entries = Object.entries(responses).map(([status, response]) => [
    status,
    except.includes(Number(status)) ? response : withRateLimit(response),
  ]);
  return Object.fromEntries(entries) as T;
}

export const INVALID = json(ValidationErrorSchema, 'The request is invalid; `issues` name the fields');
export const UNAUTHORIZED = json(ErrorSchema, 'Missing or wrong bearer token');
export const NOT_FOUND = json(ErrorSchema, 'The user has no case');
export const CLOSED = json(ErrorSchema, 'The case has ended and refuses this');
export const UNAVAILABLE = json(ErrorSchema, 'Temporal (or SumSub) cannot be reached; try again later');
export const TOO_LARGE = json(ErrorSchema, 'The request body is larger than this endpoint accepts');
export const INTERNAL = json(
  ErrorSchema,
  'Something failed inside the engine (logged; nothing of it is shown)',
);
export const RATE_LIMITED = {
  ...json(ErrorSchema, 'Too many requests from this caller; try again after `Retry-After` seconds'),
  headers: {
    'Retry-After': { schema: intHeader(1, 60), description: 'Seconds' },
    ...RATE_LIMIT_HEADERS,
  },
};

/** The answers every route that takes a credential may give, whatever it does. */
export const CALLER_ERRORS = {
  400: INVALID,
  401: UNAUTHORIZED,
  413: TOO_LARGE,
  429: RATE_LIMITED,
  500: INTERNAL,
};
