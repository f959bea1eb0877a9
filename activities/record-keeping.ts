import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { AuditTrail } from '../audit';

/**
 * The activity of the record-keeping workflow (workflows/record-keeping.ts): once an AML hold has ended, the
 * user's key is destroyed in the audit trail. It names no user: the workflow passes its pseudonym.
 */
export interface RecordKeepingActivities {
  /**
   * Destroys the key of `pseudonym` once its hold has ended; answers the pseudonyms whose key is gone: that
   * one, or none when the trail knows no such subject or no erasure of it. (A list, not a flag: runs recorded before the
   * pseudonym was passed read their answer as one.) Without a pseudonym, from a task scheduled before it was
   * passed, it does what that task was scheduled for: every erasure whose hold has ended.
   */
  destroyDueErasures(pseudonym?: string): Promise<string[]>;
}

/** A pseudonym as the trail makes them (audit/subjects.ts): it is all the workflow hands over. */
const pseudonymSchema = z
  .string()
  .regex(/^p_[A-Za-z0-9_-]{22}$/, 'must be a pseudonym of the audit trail')
  .optional();

/**
 * The record-keeping activities over the worker's trail. Without a trail (the worker has no audit keys) the
 * activity fails, and is retried, until a worker that has one takes it: a scheduled erasure is never dropped.
 */
// `object &`: the worker's activity dependencies, whether or not they carry a trail yet.
export function recordKeepingActivities(
  deps: object & { audit?: Pick<AuditTrail, 'destroyIfDue' | 'destroyDue'> | null },
) {
  const trail = deps.audit;
  return {
    destroyDueErasures: async (input?: string): Promise<string[]> => {
      const parsed = pseudonymSchema.safeParse(input);
      // Retrying cannot mend the input: the run fails, as it does for a bad `eraseAfter`.
      if (!parsed.success)
        throw ApplicationFailure.nonRetryable('the pseudonym is not one of the audit trail', 'InvalidInput');
      const pseudonym = parsed.data;
      if (!trail)
        throw new Error('this worker has no audit trail (KYC_AUDIT_LOOKUP_KEY, KYC_AUDIT_SIGNING_KEY)');
      if (pseudonym === undefined) return trail.destroyDue(new Date());
      const found = await trail.destroyIfDue(pseudonym, new Date());
      // The workflow's timer fired by Temporal's clock; this worker's (or the database's) may lag, or a
      // newer request moved the hold: failing is retried until the hold has ended here too.
      if (found === 'not_due') throw new Error('the hold of this erasure has not ended yet');
      return found === 'destroyed' || found === 'erased_before' ? [pseudonym] : [];
    },
  } satisfies RecordKeepingActivities;
}
