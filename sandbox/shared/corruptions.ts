import { z } from 'zod';

/**
 * Malformed vendor answers, served by the simulators on demand so the engine can be seen meeting each one.
 * A rule names an endpoint (its request-log name), a kind from the corpus below and, optionally, the users
 * it applies to; the endpoint does its work as usual and the answer it gave is then rewritten. Faults and the
 * auth check come first and are never rewritten.
 */
export const CORRUPTION_KINDS = [
  /** `field` removed from the JSON body. */
  'missing_field',
  /** An undocumented field added next to `field` and at the top: a tolerant reader ignores both. */
  'extra_field',
  /** `field` holding a value of another JSON type (a number for a string, a string for anything else). */
  'wrong_type',
  /** `field` holding a string no documentation mentions. */
  'unknown_enum',
  /** A maintenance page, with status 200 and `text/html`. */
  'html_200',
  /** A gateway's error page, with status 502 and `text/html`. */
  'html_502',
  /** Status kept, no body at all. */
  'empty_body',
  /** Valid JSON, padded to twice the size the engine's clients accept. */
  'oversized_body',
  /** The JSON body cut off in the middle. */
  'truncated_json',
  /** The JSON literal `null`. */
  'json_null',
  /** The body wrapped in a JSON array. */
  'json_array',
] as const;
export type CorruptionKind = (typeof CORRUPTION_KINDS)[number];

/** The endpoints of both simulators, by their request-log names. */
export const CORRUPTIBLE_ENDPOINTS = [
  'login',
  'showUser',
  'importKyc',
  'createApplicant',
  'applicantByExternalId',
  'applicant',
  'applicantStatus',
  'accessToken',
  'shareToken',
  'testCompleted',
] as const;
export type CorruptibleEndpoint = (typeof CORRUPTIBLE_ENDPOINTS)[number];

/** The field a field-level kind changes when a rule names none: the one the engine decides on. */
const DEFAULT_FIELDS: Record<CorruptibleEndpoint, string> = {
  login: 'access_token',
  showUser: 'data.kyc_status',
  importKyc: 'status',
  createApplicant: 'id',
  applicantByExternalId: 'id',
  applicant: 'id',
  applicantStatus: 'reviewStatus',
  accessToken: 'token',
  shareToken: 'token',
  testCompleted: 'ok',
};

export const corruptionRuleSchema = z.strictObject({
  endpoint: z.enum(CORRUPTIBLE_ENDPOINTS),
  kind: z.enum(CORRUPTION_KINDS),
  /** A dot path into the JSON body (`data.kyc_status`), for the field-level kinds. */
  field: z
    .string()
    .regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'a dot path of field names')
    .optional(),
  /** Only calls about these users (Kriptomat user id, SumSub external user id); every call when left out. */
  userIds: z.array(z.string().min(1)).min(1).max(1000).optional(),
});
export type CorruptionRule = z.infer<typeof corruptionRuleSchema>;

export const corruptionRulesSchema = z.array(corruptionRuleSchema).max(1000);

/** What the simulator sends instead of its own answer. */
export interface CorruptedAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** The values corruptions put into a body, so tests can check no error message repeats them. */
export const CORRUPTION_MARKERS = {
  unknownEnum: 'sandbox_unknown_value',
  wrongTypeNumber: 987654321,
  wrongTypeString: 'sandbox-wrong-type',
  extraField: 'sandbox_unexpected_field',
} as const;

const MAINTENANCE_PAGE =
  '<!DOCTYPE html><html><head><title>Scheduled maintenance</title></head>' +
  "<body><h1>We'll be right back</h1><p>Our API is being upgraded.</p></body></html>";
const BAD_GATEWAY_PAGE =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>' +
  '<hr><center>nginx</center></body></html>';

/**
 * The largest vendor answer the engine says it accepts (1 MiB, its documented cap), stated here rather than
 * imported: the simulators share no code with the engine.
 */
const ENGINE_ANSWER_CAP_BYTES = 1024 * 1024;

/** Twice what the engine's clients accept, so the size alone decides. */
const OVERSIZED_PADDING_BYTES = 2 * ENGINE_ANSWER_CAP_BYTES;

const JSON_TYPE = 'application/json';
const HTML_TYPE = 'text/html; charset=utf-8';

/**
 * The answer `rule` makes of an endpoint's own: `status` and its parsed JSON `body` (undefined when it had
 * none). Field-level kinds change a copy; a field that is absent stays absent, except for `wrong_type` and
 * `unknown_enum`, which set it.
 */
export function corruptAnswer(rule: CorruptionRule, status: number, body: unknown): CorruptedAnswer {
  const field = (rule.field ?? DEFAULT_FIELDS[rule.endpoint]).split('.');
  const json = (value: unknown): CorruptedAnswer => ({
    status,
    contentType: JSON_TYPE,
    body: JSON.stringify(value) ?? '',
  });
  switch (rule.kind) {
    case 'missing_field':
      return json(edit(body, field, (parent, key) => delete parent[key]));
    case 'extra_field':
      return json(
        edit(addExtra(body), field, (parent, key) => {
          parent[`${key}_${CORRUPTION_MARKERS.extraField}`] = { nested: [1, 'two'] };
        }),
      );
    case 'wrong_type':
      return json(edit(body, field, (parent, key) => (parent[key] = otherType(parent[key]))));
    case 'unknown_enum':
      return json(edit(body, field, (parent, key) => (parent[key] = CORRUPTION_MARKERS.unknownEnum)));
    case 'html_200':
      return { status: 200, contentType: HTML_TYPE, body: MAINTENANCE_PAGE };
    case 'html_502':
      return { status: 502, contentType: HTML_TYPE, body: BAD_GATEWAY_PAGE };
    case 'empty_body':
      return { status, contentType: JSON_TYPE, body: '' };
    case 'oversized_body':
      return json({ ...asObject(body), padding: 'x'.repeat(OVERSIZED_PADDING_BYTES) });
    case 'truncated_json': {
      const text = JSON.stringify(body ?? {});
      return {
        status,
        contentType: JSON_TYPE,
        body: text.slice(0, Math.max(1, Math.floor(text.length / 2))),
      };
    }
    case 'json_null':
      return { status, contentType: JSON_TYPE, body: 'null' };
    case 'json_array':
      return json([body ?? {}]);
  }
}

/** The first rule that applies to a call of `endpoint` about `userId` (null when the call names no user). */
export function ruleFor(
  rules: readonly CorruptionRule[],
  endpoint: string,
  userId: string | null,
): CorruptionRule | undefined {
  return rules.find(
    (rule) =>
      rule.endpoint === endpoint &&
      (rule.userIds === undefined || (userId !== null && rule.userIds.includes(userId))),
  );
}

/** A deep copy of `body` with `change` applied to the parent object of `path`, when that parent exists. */
function edit(
  body: unknown,
  path: string[],
  change: (parent: Record<string, unknown>, key: string) => void,
): unknown {
  const copy = structuredClone(body);
  const key = path[path.length - 1];
  let parent: unknown = copy;
  for (const step of path.slice(0, -1)) parent = isObject(parent) ? parent[step] : undefined;
  if (isObject(parent) && key !== undefined) change(parent, key);
  return copy;
}

function addExtra(body: unknown): unknown {
  return isObject(body) ? { ...body, [CORRUPTION_MARKERS.extraField]: { added: true } } : body;
}

function otherType(value: unknown): unknown {
  return typeof value === 'string' || value === undefined
    ? CORRUPTION_MARKERS.wrongTypeNumber
    : CORRUPTION_MARKERS.wrongTypeString;
}

function asObject(body: unknown): Record<string, unknown> {
  return isObject(body) ? body : { body };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
