/**
 * The sandbox Kriptomat decides how a user behaves from the user id's prefix: `passed-42` is an already
 * verified user, `pending-7` waits for Kriptomat's decision, and so on. Ids that match no prefix (including
 * plain numeric ids) are unknown users. The table is documented in sandbox/README.md.
 */
export interface KriptomatScenario {
  /** The `kyc_status` the user starts with; `null` means the API answers 404. */
  kycStatus: string | null;
  eddStatus: string;
}

export const KRIPTOMAT_SCENARIOS = {
  passed: { kycStatus: 'passed', eddStatus: '' },
  verified: { kycStatus: 'verified', eddStatus: 'not_required' },
  pending: { kycStatus: 'pending', eddStatus: '' },
  failed: { kycStatus: 'failed', eddStatus: '' },
  declined: { kycStatus: 'declined', eddStatus: '' },
  not_started: { kycStatus: 'not_started', eddStatus: '' },
  edd_required: { kycStatus: 'passed', eddStatus: 'required' },
  // An undocumented `kyc_status`: the body breaks the documented contract.
  malformed: { kycStatus: 'under_review', eddStatus: '' },
  unknown: { kycStatus: null, eddStatus: '' },
} satisfies Record<string, KriptomatScenario>;

export type KriptomatScenarioName = keyof typeof KRIPTOMAT_SCENARIOS;

/** The scenario a user id asks for: the longest scenario name it starts with, followed by `-`. */
export function scenarioForUser(userId: string): KriptomatScenario {
  const names = Object.keys(KRIPTOMAT_SCENARIOS).sort(
    (a, b) => b.length - a.length,
  ) as KriptomatScenarioName[];
  const name = names.find((candidate) => userId.startsWith(`${candidate}-`)) ?? 'unknown';
  return KRIPTOMAT_SCENARIOS[name];
}
