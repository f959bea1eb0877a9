/**
 * The sandbox decides how a user behaves from the user id's prefix: `passed-42` is an already verified user,
 * `onboard-7` has never done KYC and passes SumSub, and so on. Both simulators read this one table, so a
 * user's story is told consistently from the first Kriptomat read to the final decision. Ids that match no
 * prefix (including plain numeric ids) are unknown users. The table is documented in sandbox/README.md.
 */
export interface SandboxScenario {
  /** The `kyc_status` Kriptomat reports at first; `null` means the show-user call answers 404. */
  kycStatus: string | null;
  /** The `edd_status` Kriptomat reports (`""` is "not reported", as in the documented example). */
  eddStatus: string;
  /**
   * What the user's SumSub reviews will be, in order, once the user "completes the WebSDK": each entry is
   * applied after the simulator's review delay and announced by an `applicantReviewed` webhook. A RED+RETRY
   * is followed by a resubmission (an `applicantPending` webhook) and the next entry. An empty list means the
   * user never finishes on their own: a person decides with the sandbox `testCompleted` endpoint.
   */
  reviews: readonly SandboxReview[];
  /**
   * The `kyc_status` Kriptomat moves to after its decision delay, once the user is `pending` (after an import,
   * or from the start for `pending` users). `null`: stays `pending` for good.
   */
  decision: 'passed' | 'failed' | 'declined' | null;
}

export type SandboxReview = 'GREEN' | 'RED+RETRY' | 'RED+FINAL';

export const SANDBOX_SCENARIOS = {
  passed: { kycStatus: 'passed', eddStatus: '', reviews: [], decision: null },
  verified: { kycStatus: 'verified', eddStatus: 'not_required', reviews: [], decision: null },
  edd_required: { kycStatus: 'passed', eddStatus: 'required', reviews: [], decision: null },
  pending: { kycStatus: 'pending', eddStatus: '', reviews: [], decision: 'passed' },
  pending_forever: { kycStatus: 'pending', eddStatus: '', reviews: [], decision: null },
  failed: { kycStatus: 'failed', eddStatus: '', reviews: [], decision: null },
  declined: { kycStatus: 'declined', eddStatus: '', reviews: [], decision: null },
  // Never did KYC: SumSub GREEN, import, pending, then Kriptomat's decision.
  onboard: { kycStatus: 'not_started', eddStatus: '', reviews: ['GREEN'], decision: 'passed' },
  onboard_declined: { kycStatus: 'not_started', eddStatus: '', reviews: ['GREEN'], decision: 'declined' },
  resubmit: { kycStatus: 'not_started', eddStatus: '', reviews: ['RED+RETRY', 'GREEN'], decision: 'passed' },
  sumsub_rejected: { kycStatus: 'not_started', eddStatus: '', reviews: ['RED+FINAL'], decision: null },
  // Never finishes SumSub on their own: a person (or the case deadline) decides.
  not_started: { kycStatus: 'not_started', eddStatus: '', reviews: [], decision: 'passed' },
  // An undocumented `kyc_status`: the body breaks the documented contract.
  malformed: { kycStatus: 'under_review', eddStatus: '', reviews: [], decision: null },
  unknown: { kycStatus: null, eddStatus: '', reviews: [], decision: null },
} as const satisfies Record<string, SandboxScenario>;

export type SandboxScenarioName = keyof typeof SANDBOX_SCENARIOS;

/** The scenario names, longest first, so a longer name wins over a prefix of it (`pending_forever`, `pending`). */
const NAMES_LONGEST_FIRST = (Object.keys(SANDBOX_SCENARIOS) as SandboxScenarioName[]).sort(
  (a, b) => b.length - a.length,
);

/** The name of the scenario a user id asks for: the longest scenario name it starts with, followed by `-`. */
function scenarioNameForUser(userId: string): SandboxScenarioName {
  return NAMES_LONGEST_FIRST.find((candidate) => userId.startsWith(`${candidate}-`)) ?? 'unknown';
}

/** The scenario a user id asks for. */
export function scenarioForUser(userId: string): SandboxScenario {
  return SANDBOX_SCENARIOS[scenarioNameForUser(userId)];
}
