import type { z } from 'zod';
import { ContractViolationError } from '../../domain';

/**
 * Validates a response body against its schema. On failure the error lists each offending field path and
 * what was expected, but not the value received, which may be personal data.
 */
export function parseBody<T extends z.ZodType>(
  schema: T,
  body: unknown,
  endpoint: string,
  status?: number,
): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new ContractViolationError(describeIssues(result.error), { endpoint, status });
}

/** `path: problem` for the first ten issues of a failed parse: field paths and expectations, never values. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 10).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(body)';
    return `${path}: ${issue.message}`;
  });
}
