import { ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { RecordKeepingActivities } from '../activities/record-keeping';

/** What the record-keeping workflow is started with: the pseudonym, never the user id, and when the hold ends. */
export interface RecordKeepingInput {
  pseudonym: string;
  /** ISO time the AML hold ends (the trail's `eraseAfter`). */
  eraseAfter: string;
}

const { destroyDueErasures } = proxyActivities<RecordKeepingActivities>({
  startToCloseTimeout: '1m',
  // A database outage is waited out: the destruction is owed, and repeating it is harmless.
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '1h' },
  summary: 'destroy the audit key of this pseudonym once its hold has ended',
});

/**
 * The record keeping of one erased user, identified by the pseudonym only (`kyc-records:{pseudonym}`): started
 * when an erasure must wait for an AML hold, it sleeps until the hold ends and then has the trail destroy the
 * user's key, and that key only (another subject's is its own run's to destroy). A durable timer: the
 * destruction happens by itself, years later, whatever restarted meanwhile.
 * A new request with another date replaces the run (the client starts it with `TERMINATE_EXISTING`).
 */
export async function recordKeeping(input: RecordKeepingInput): Promise<{ destroyed: boolean }> {
  const due = Date.parse(input.eraseAfter);
  if (Number.isNaN(due)) throw ApplicationFailure.nonRetryable('eraseAfter is not a time', 'InvalidInput');
  // `Date.now()` in a workflow is the task's deterministic time; a hold already over needs no timer.
  const remaining = due - Date.now();
  if (remaining > 0) await sleep(remaining);
  // The pseudonym is the activity's input, not a command attribute: runs recorded without it replay alike.
  const destroyed = await destroyDueErasures(input.pseudonym);
  return { destroyed: destroyed.includes(input.pseudonym) };
}
