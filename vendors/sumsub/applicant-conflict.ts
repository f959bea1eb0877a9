/** SumSub's ids: hex today; bounded so a description can never smuggle anything else into a path. */
const APPLICANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The documented 409 description of a second create: `Applicant with external user id 'X' already exists: <id>`. */
const CONFLICT = /^Applicant with external user id '(.*)' already exists: (\S+)$/;

/**
 * The existing applicant's id from SumSub's documented 409 answer to a second create, but only when the
 * description names our own external user id and a well-formed id (docs/vendor-apis.md, "SumSub applicant
 * creation"). Anything else (another wording, another user, no description) is undefined: the caller then
 * looks the applicant up by external user id instead.
 */
export function applicantIdFromConflict(description: unknown, externalUserId: string): string | undefined {
  if (typeof description !== 'string') return undefined;
  const match = CONFLICT.exec(description.trim());
  if (!match || match[1] !== externalUserId) return undefined;
  const id = match[2] ?? '';
  return APPLICANT_ID.test(id) ? id : undefined;
}

/** The `description` of SumSub's error body, when the answer is one. */
export function descriptionOf(data: unknown): unknown {
  return typeof data === 'object' && data !== null
    ? (data as { description?: unknown }).description
    : undefined;
}
