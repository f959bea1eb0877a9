import type { CasePhase, ErrorType } from '../domain';
import { ERROR_TYPES } from '../domain';
import { SANDBOX_SCENARIOS } from '../sandbox/scenarios';
import type { SandboxScenarioName } from '../sandbox/scenarios';

/**
 * Where each sandbox scenario must end, whatever the chaos: the table of sandbox/README.md, read as the
 * checks a compliance lead would make. `needs_attention` is not an outcome: such cases keep running, parked
 * for a person, and must be parked for the right reason.
 */
export interface ExpectedEnd {
  phase: CasePhase;
  /** Successful Kriptomat imports of the user: exactly this many (1 for users onboarded through SumSub). */
  imports: 0 | 1;
  /** The EDD status the case must report, when the scenario has one. */
  eddStatus?: 'required';
  /** Why a parked case is parked. */
  parkedFor?: ErrorType;
}

export const EXPECTED_ENDS: Record<SandboxScenarioName, ExpectedEnd> = {
  passed: { phase: 'approved', imports: 0 },
  verified: { phase: 'approved', imports: 0 },
  edd_required: { phase: 'approved', imports: 0, eddStatus: 'required' },
  pending: { phase: 'approved', imports: 0 },
  pending_forever: { phase: 'expired', imports: 0 },
  failed: { phase: 'rejected', imports: 0 },
  declined: { phase: 'rejected', imports: 0 },
  onboard: { phase: 'approved', imports: 1 },
  onboard_declined: { phase: 'rejected', imports: 1 },
  resubmit: { phase: 'approved', imports: 1 },
  sumsub_rejected: { phase: 'rejected', imports: 0 },
  not_started: { phase: 'expired', imports: 0 },
  malformed: { phase: 'needs_attention', imports: 0, parkedFor: ERROR_TYPES.ContractViolation },
  unknown: { phase: 'needs_attention', imports: 0, parkedFor: ERROR_TYPES.UserNotFound },
};

/** Every scenario of the sandbox, in the table's order. */
export const SCENARIOS = Object.keys(SANDBOX_SCENARIOS) as SandboxScenarioName[];

/** One planned case: its user id (`<scenario>-<run>-<n>`; `unknown` ids match no prefix) and scenario. */
export interface PlannedCase {
  userId: string;
  scenario: SandboxScenarioName;
}

/**
 * `count` cases, round-robin over every scenario so each gets its share, shuffled by `random` so that the
 * start order (and so the phase each case is in when chaos strikes) mixes scenarios.
 */
export function planCases(count: number, runId: string, random: () => number): PlannedCase[] {
  const cases = Array.from({ length: count }, (_, n) => {
    const scenario = SCENARIOS[n % SCENARIOS.length]!;
    // An unknown user is any id without a scenario prefix.
    const prefix = scenario === 'unknown' ? 'nobody' : scenario;
    return { userId: `${prefix}-${runId}-${n}`, scenario };
  });
  for (let i = cases.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [cases[i], cases[j]] = [cases[j]!, cases[i]!];
  }
  return cases;
}
