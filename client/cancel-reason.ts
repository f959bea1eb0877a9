import { MAX_CASE_TEXT_LENGTH } from '../domain';

/**
 * A cancel reason is one line of plain text: it is kept in the case's history and shown by the CLI, the
 * Temporal UI and whatever the partner renders it in, so it carries no control or invisible characters
 * (terminal escapes, line breaks, bidi overrides) and no markup (Markdown, HTML) that could dress it up as
 * something else. Refused rather than cleaned, so the operator sees exactly what was kept.
 */
export const CANCEL_REASON_MAX_LENGTH = MAX_CASE_TEXT_LENGTH;

/**
 * The same rule as a JSON Schema `pattern` (ECMA-262 without flags, so every OpenAPI tool reads it): C0 and
 * C1 controls, zero-width and bidi formatting characters, line and paragraph separators, the BOM, and
 * `` ` * _ ~ [ ] < > # | \ { } ``.
 */
export const CANCEL_REASON_PATTERN =
  '^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u2028-\\u202E\\u2060-\\u206F\\uFEFF`*_~\\[\\]<>#|\\\\{}]*$';

export const CANCEL_REASON_RULE =
  'must be one line of plain text: no control or invisible characters, none of ` * _ ~ [ ] < > # | \\ { }';

const pattern = new RegExp(CANCEL_REASON_PATTERN);

/** Why `reason` (already trimmed) cannot be a cancel reason, or `undefined` when it can. */
export function cancelReasonProblem(reason: string): string | undefined {
  if (reason.length === 0) return 'must not be empty';
  if (reason.length > CANCEL_REASON_MAX_LENGTH)
    return `must be at most ${CANCEL_REASON_MAX_LENGTH} characters`;
  return pattern.test(reason) ? undefined : CANCEL_REASON_RULE;
}
