import type { z } from '@hono/zod-openapi';
import { ErrorSchema, ValidationErrorSchema } from './schemas';

/** Building blocks of the route definitions: JSON responses and the error answers most routes share. */

/** A JSON response of `schema`, for a route's `responses`. */
export function json<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** The security requirement of `/v1` routes (the scheme is registered by `createApp`). */
export const BEARER_SECURITY = [{ bearerAuth: [] }];

/** Name of the bearer scheme in the OpenAPI document. */
export const BEARER_SCHEME = 'bearerAuth';

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
    'Retry-After': { schema: { type: 'integer' as const, minimum: 1, maximum: 60 }, description: 'Seconds' },
    'RateLimit-Limit': {
      schema: { type: 'integer' as const, minimum: 1 },
      description: 'Requests per window',
    },
    'RateLimit-Remaining': { schema: { type: 'integer' as const, minimum: 0 }, description: 'Left in it' },
    'RateLimit-Reset': {
      schema: { type: 'integer' as const, minimum: 0 },
      description: 'Seconds to its end',
    },
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
