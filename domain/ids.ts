/**
 * Kriptomat user ids go into URL paths and workflow ids, so they are restricted to a safe alphabet. The
 * documented ids are numeric; letters, `_`, `.` and `-` are allowed for partners that key users otherwise.
 */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

const WORKFLOW_ID_PREFIX = 'kyc:';
const WATCH_WORKFLOW_ID_PREFIX = 'kyc-watch:';

/** True when `userId` can name a case. */
export function isValidUserId(userId: string): boolean {
  return USER_ID_PATTERN.test(userId);
}

/** The id of the one workflow that owns the case of this Kriptomat user. */
export function kycWorkflowId(userId: string): string {
  if (!isValidUserId(userId)) {
    throw new TypeError(`invalid user id ${JSON.stringify(userId)}: expected ${USER_ID_PATTERN.source}`);
  }
  return WORKFLOW_ID_PREFIX + userId;
}

/**
 * The id of the one watch of this approved Kriptomat user (workflows/approved-user-watch.ts). Not a case id:
 * `userIdFromWorkflowId` answers null for it.
 */
export function watchWorkflowId(userId: string): string {
  return WATCH_WORKFLOW_ID_PREFIX + kycWorkflowId(userId).slice(WORKFLOW_ID_PREFIX.length);
}

/** The user id after `prefix` in `workflowId`, or null when the id has another prefix or no valid user id. */
function userIdAfter(prefix: string, workflowId: string): string | null {
  if (!workflowId.startsWith(prefix)) return null;
  const userId = workflowId.slice(prefix.length);
  return isValidUserId(userId) ? userId : null;
}

/** The user id a case workflow id was made from, or null when the id is not a case id. */
export function userIdFromWorkflowId(workflowId: string): string | null {
  return userIdAfter(WORKFLOW_ID_PREFIX, workflowId);
}

/** The user id a watch workflow id was made from (`watchWorkflowId`), or null when the id is not a watch id. */
export function userIdFromWatchWorkflowId(workflowId: string): string | null {
  return userIdAfter(WATCH_WORKFLOW_ID_PREFIX, workflowId);
}
