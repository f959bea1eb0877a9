import type { z } from 'zod';
import type { Reply } from '../resource-handler';
import { sumsubError } from '../sumsub-error';

/** A 200 with a JSON body. */
export function ok(body: unknown): Reply {
  return { status: 200, body };
}

/** A 404 in SumSub's error shape. */
export function notFound(description: string): Reply {
  return { status: 404, body: sumsubError(404, description) };
}

/** A 400 naming each invalid field and what was expected, never the value sent (it may be personal data). */
export function invalidFields(error: z.ZodError): Reply {
  const issues = error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  return { status: 400, body: sumsubError(400, `Invalid request: ${issues.join('; ')}`) };
}

/** A positive whole number of seconds from a query or JSON value, or undefined. */
export function ttlOf(value: unknown): number | undefined {
  const ttl = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof ttl === 'number' && Number.isInteger(ttl) && ttl > 0 ? ttl : undefined;
}

/** A non-empty string field of a JSON body, or undefined. */
export function textField(json: unknown, name: string): string | undefined {
  const value =
    typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
