import type { z } from 'zod';
import { ContractViolationError } from '../../domain';
import { sanitizeVendorText } from './vendor-text';

/**
 * Validates a response body against its schema. On failure the error lists each offending field path and
 * what was expected, but not the value received, which may be personal data. A body that is not JSON at all
 * (the HTTP client hands it over as text) is named by its kind: empty, an HTML page, or broken JSON.
 */
export function parseBody<T extends z.ZodType>(
  schema: T,
  body: unknown,
  endpoint: string,
  status?: number,
): z.infer<T> {
  if (typeof body === 'string') throw new ContractViolationError([describeText(body)], { endpoint, status });
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new ContractViolationError(describeIssues(result.error, body), { endpoint, status });
}

/**
 * What a text body is instead of JSON. The documented answers are all JSON objects, so any string here is a
 * body that did not parse (axios returns unparseable JSON as text).
 */
function describeText(body: string): string {
  const text = body.trim();
  if (text === '') return '(body): empty, expected a JSON object';
  if (/^<(!doctype|html|head|body|\?xml)\b/i.test(text) || /<\/(html|body|title)>/i.test(text))
    return '(body): an HTML page, not JSON';
  if (/^[[{]/.test(text)) return '(body): malformed or truncated JSON';
  return '(body): text, not a JSON object';
}

/**
 * `path: problem` for the first ten issues of a failed parse: field paths and expectations, never values.
 * Given the parsed body, each issue also says what was there instead, by kind only: `(missing)`, or the JSON
 * type received when the message does not say it already (an enum's message does not). A path or message can
 * still carry the vendor's own key names, so each line is sanitised like any vendor text.
 */
export function describeIssues(error: z.ZodError, body?: unknown): string[] {
  return error.issues.slice(0, 10).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(body)';
    const line = `${path}: ${issue.message}${body === undefined ? '' : receivedKind(body, issue)}`;
    return sanitizeVendorText(line) ?? '(unreadable issue)';
  });
}

function receivedKind(body: unknown, issue: z.core.$ZodIssue): string {
  let value: unknown = body;
  for (const key of issue.path) {
    value =
      typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  if (value === undefined) return ' (missing)';
  if (/received/.test(issue.message)) return '';
  return ` (received ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})`;
}
