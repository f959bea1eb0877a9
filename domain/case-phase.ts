/** The phases in which a case is still open, in the order the happy path visits them. */
export const OPEN_PHASES = [
  'checking',
  'sumsub_applicant',
  'awaiting_user',
  'sharing',
  'awaiting_kriptomat',
  'needs_attention',
] as const;
export type OpenPhase = (typeof OPEN_PHASES)[number];

/**
 * How a case ended, which is also its last phase (so `KycPhase="approved"` finds them in the UI).
 * `approved`: Kriptomat says passed. `rejected`: failed, declined, or a final SumSub RED. `expired`: a deadline
 * passed while waiting on the user or on Kriptomat. `cancelled`: an operator ended it. `unresolved`: the case sat
 * in `needs_attention` past its parked deadline with nobody retrying it.
 */
export const CASE_OUTCOMES = ['approved', 'rejected', 'expired', 'cancelled', 'unresolved'] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

export const CASE_PHASES = [...OPEN_PHASES, ...CASE_OUTCOMES] as const;
export type CasePhase = OpenPhase | CaseOutcome;

/** True once the case has ended. */
export function isOutcome(phase: CasePhase): phase is CaseOutcome {
  return (CASE_OUTCOMES as readonly string[]).includes(phase);
}
