/** What replaces a redacted value. */
export const REDACTED = '[redacted]';

/** Deeper than any log object we write; past it a value is dropped rather than walked. */
const MAX_DEPTH = 10;

/**
 * Parts of an HTTP client's error that carry the whole request or response (headers, bodies as raw strings,
 * sockets): whatever they hold cannot be redacted by field name, so they are left out.
 */
const ERROR_PARTS_LEFT_OUT = new Set(['config', 'request', 'response']);

/**
 * A copy of `value` fit to log: every field whose name (in any case) is in `fields` becomes `[redacted]`, at any
 * depth and inside arrays. Errors become plain objects with their type, message and stack (JSON would drop
 * both), their own fields redacted the same way. Values with `toJSON` (dates, buffers) are walked as they
 * would be serialised; cycles and excessive depth end in a marker.
 */
export function redactDeep(value: unknown, fields: ReadonlySet<string>): unknown {
  return walk(value, fields, 0, new WeakSet());
}

function walk(value: unknown, fields: ReadonlySet<string>, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (value instanceof Error) return walkError(value, fields, depth, seen);
    const json = (value as { toJSON?: unknown }).toJSON;
    if (typeof json === 'function') return walk(json.call(value) as unknown, fields, depth, seen);
    if (Array.isArray(value)) return value.map((item: unknown) => walk(item, fields, depth + 1, seen));
    return walkFields(Object.entries(value), fields, depth, seen);
  } finally {
    // Only the current path counts as a cycle: the same object twice side by side is logged twice.
    seen.delete(value);
  }
}

function walkError(
  error: Error,
  fields: ReadonlySet<string>,
  depth: number,
  seen: WeakSet<object>,
): Record<string, unknown> {
  const own = Object.entries(error).filter(([key]) => !ERROR_PARTS_LEFT_OUT.has(key));
  const cause: unknown = error.cause;
  const described: [string, unknown][] = [
    ['type', error.name],
    ['message', error.message],
    ['stack', error.stack],
    ...own,
    ...(cause === undefined ? [] : [['cause', cause] as [string, unknown]]),
  ];
  return walkFields(described, fields, depth, seen);
}

function walkFields(
  entries: [string, unknown][],
  fields: ReadonlySet<string>,
  depth: number,
  seen: WeakSet<object>,
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    copy[key] = fields.has(key.toLowerCase()) ? REDACTED : walk(item, fields, depth + 1, seen);
  }
  return copy;
}
