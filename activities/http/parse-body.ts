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
  const issues = result.error.issues.slice(0, 10).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(body)';
    return `${path}: ${issue.message}`;
  });
  throw new ContractViolationError(issues, { endpoint, status });
}
