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
  /**
   * Signed events SumSub sends about the same applicant while its KYC review is pending, which are not the
   * KYC verdict (transaction monitoring, profile changes): sent in order between `applicantPending` and the
   * next review.
   */
  eventsWhilePending?: readonly SandboxEvent[];
  /**
   * How Kriptomat refuses the user's first import, consuming its share token all the same: `plain_422` is
   * `422 {"status":false,"message":"The token is invalid."}`, `unauthenticated` is `401 {"message":
   * "Unauthenticated."}` and ends the caller's login session. Later imports with a fresh token succeed.
   */
  firstImportRefusal?: 'plain_422' | 'unauthenticated';
  /** `loose`: profile fields as numbers and nulls, and an undocumented field (none decides a case). */
  profile?: 'loose';
  /**
   * SumSub already holds an applicant for the user when the engine first creates one (an earlier attempt
   * made it): the create answers 409, whose description names the existing id (`with_id`) or not.
   */
  applicantExists?: 'with_id' | 'without_id';
}

/** A completed SumSub review; `RED` alone has no `reviewRejectType` (not final: a later review follows). */
export type SandboxReview = 'GREEN' | 'RED+RETRY' | 'RED+FINAL' | 'RED';

/** One non-KYC webhook: its type and the review fields it carries (which are not the applicant's KYC review). */
export interface SandboxEvent {
  type: string;
  reviewStatus: string;
  reviewResult?: {
    reviewAnswer: 'GREEN' | 'RED';
    rejectLabels: string[];
    reviewRejectType?: 'FINAL' | 'RETRY';
  };
}

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

const KYT_EVENTS: readonly SandboxEvent[] = [
  {
    type: 'applicantKytTxnRejected',
    reviewStatus: 'completed',
    reviewResult: { reviewAnswer: 'RED', rejectLabels: ['FRAUDULENT_PATTERNS'], reviewRejectType: 'FINAL' },
  },
  { type: 'applicantKytTxnAwaitingUser', reviewStatus: 'awaitingUser' },
  { type: 'applicantPersonalInfoChanged', reviewStatus: 'pending' },
];

/**
 * Vendor behaviours the engine met only in production (issue 14): SumSub's other event types and untyped
 * REDs, Kriptomat's undocumented answers. Kept apart from `SANDBOX_SCENARIOS`, whose rows every chaos run and
 * benchmark plays, until the engine's answers to these are settled; user ids pick them by prefix all the same.
 */
export const VENDOR_VARIANT_SCENARIOS = {
  kyt: { ...SANDBOX_SCENARIOS.onboard, eventsWhilePending: KYT_EVENTS },
  kyc_red_untyped: { kycStatus: 'not_started', eddStatus: '', reviews: ['RED', 'GREEN'], decision: 'passed' },
  import_refused: { ...SANDBOX_SCENARIOS.onboard, firstImportRefusal: 'plain_422' },
  import_unauthorized: { ...SANDBOX_SCENARIOS.onboard, firstImportRefusal: 'unauthenticated' },
  loose_profile: { ...SANDBOX_SCENARIOS.onboard, profile: 'loose' },
  edd_in_review: { kycStatus: 'passed', eddStatus: 'in_review', reviews: [], decision: null },
  applicant_exists: { ...SANDBOX_SCENARIOS.onboard, applicantExists: 'with_id' },
  applicant_exists_no_id: { ...SANDBOX_SCENARIOS.onboard, applicantExists: 'without_id' },
} as const satisfies Record<string, SandboxScenario>;

export type VendorVariantName = keyof typeof VENDOR_VARIANT_SCENARIOS;

const EVERY_SCENARIO: Record<string, SandboxScenario> = { ...SANDBOX_SCENARIOS, ...VENDOR_VARIANT_SCENARIOS };

/** The scenario names, longest first, so a longer name wins over a prefix of it (`pending_forever`, `pending`). */
const NAMES_LONGEST_FIRST = Object.keys(EVERY_SCENARIO).sort((a, b) => b.length - a.length);

/** The name of the scenario a user id asks for: the longest scenario name it starts with, followed by `-`. */
function scenarioNameForUser(userId: string): SandboxScenarioName | VendorVariantName {
  const name = NAMES_LONGEST_FIRST.find((candidate) => userId.startsWith(`${candidate}-`)) ?? 'unknown';
  return name as SandboxScenarioName | VendorVariantName;
}

/** The scenario a user id asks for. */
export function scenarioForUser(userId: string): SandboxScenario {
  return EVERY_SCENARIO[scenarioNameForUser(userId)] ?? SANDBOX_SCENARIOS.unknown;
}
