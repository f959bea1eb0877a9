import { patched } from '@temporalio/workflow';

/**
 * Deliberate changes to the case's command sequence (README, "Changing the workflow safely"): a case that
 * began before a change replays the commands it recorded; a new one takes the new path. Each id may be
 * retired (`deprecatePatch`, then removed) once no case older than the change is still open.
 */

/**
 * Kriptomat reads run as local activities (workflows/activity-calls.ts), and a case whose start already
 * showed its phase in `KycPhase` does not show it again at once: fewer round trips per case (bench/).
 */
const LEAN_ROUND_TRIPS = 'lean-round-trips-1';

/** Whether this case takes the lean path (recorded once per run, with the SDK's `TemporalChangeVersion`). */
export function leanRoundTrips(): boolean {
  return patched(LEAN_ROUND_TRIPS);
}

/**
 * A SumSub webhook wakes the case to read the review, and that read decides (docs/vendor-apis.md, "SumSub
 * webhooks"); a RED without a reject type waits instead of asking the user to resubmit. Recorded once per
 * run: a run that began before keeps folding webhook reviews as it did.
 */
const REVIEW_READ_DECIDES = 'review-read-decides-1';

export function reviewReadDecides(): boolean {
  return patched(REVIEW_READ_DECIDES);
}

/** A case parked in `needs_attention` ends `unresolved` once `timings.parkedDeadline` has passed (a timer). */
const PARKED_CASES_END = 'parked-cases-end-1';

export function parkedCasesEnd(): boolean {
  return patched(PARKED_CASES_END);
}

/**
 * After a rate-limited Kriptomat read, the case waits out the vendor's `Retry-After` on a timer before the
 * fallback read, so no worker calls early (the failure converter now decodes `nextRetryDelay`). Called only
 * when a read was rate-limited: a run that met one before this change scheduled the read at once.
 */
const RETRY_AFTER_TIMER = 'retry-after-timer-1';

export function retryAfterTimer(): boolean {
  return patched(RETRY_AFTER_TIMER);
}

/**
 * A case that ends `approved` and whose input asked for a watch starts the user's watch as a child workflow
 * (workflows/approved-user-watch.ts). Called only on that path: a case recorded before it completed without.
 */
const WATCH_APPROVED_USERS = 'watch-approved-users-1';

export function watchApprovedUsers(): boolean {
  return patched(WATCH_APPROVED_USERS);
}

/**
 * The case writes the audit trail (activities/audit.ts): records collected at its transitions, flushed
 * before every action that depends on them; operator updates record who asked before the case acts.
 * Recorded once per run, at its start: a run that began before writes nothing.
 */
const AUDIT_TRAIL = 'audit-trail-1';

export function auditTrail(): boolean {
  return patched(AUDIT_TRAIL);
}

/**
 * A case that parks in `needs_attention` tells the partner `case.needs_attention` (with the error type that
 * parked it), once per parking. Called only when a case parks: a run that parked before this change sent
 * nothing there.
 */
const NOTIFY_NEEDS_ATTENTION = 'notify-needs-attention-1';

export function notifyNeedsAttention(): boolean {
  return patched(NOTIFY_NEEDS_ATTENTION);
}
