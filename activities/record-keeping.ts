import type { AuditTrail } from '../audit';

/**
 * The activity of the record-keeping workflow (workflows/record-keeping.ts): once an AML hold has ended, the
 * user's key is destroyed in the audit trail. It names no user: the trail finds what is due by its own dates.
 */
export interface RecordKeepingActivities {
  /** Destroys the keys of every erasure whose hold has ended by now; answers their pseudonyms. */
  destroyDueErasures(): Promise<string[]>;
}

/**
 * The record-keeping activities over the worker's trail. Without a trail (the worker has no audit keys) the
 * activity fails, and is retried, until a worker that has one takes it: a scheduled erasure is never dropped.
 */
// `object &`: the worker's activity dependencies, whether or not they carry a trail yet.
export function recordKeepingActivities(deps: object & { audit?: Pick<AuditTrail, 'destroyDue'> | null }) {
  const trail = deps.audit;
  return {
    destroyDueErasures: async (): Promise<string[]> => {
      if (!trail)
        throw new Error('this worker has no audit trail (KYC_AUDIT_LOOKUP_KEY, KYC_AUDIT_SIGNING_KEY)');
      return trail.destroyDue(new Date());
    },
  } satisfies RecordKeepingActivities;
}
