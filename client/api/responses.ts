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
