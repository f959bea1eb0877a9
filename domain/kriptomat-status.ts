import type { CaseOutcome } from './case-phase';

/** `kyc_status` values Kriptomat documents. One of its pages spells `passed` as `verified`. */
export const KYC_STATUSES = ['not_started', 'pending', 'failed', 'declined', 'passed'] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];

/** Every spelling the API may send, and the status it means. Anything else is a contract error. */
export const KYC_STATUS_ALIASES: Readonly<Record<string, KycStatus>> = {
  not_started: 'not_started',
  pending: 'pending',
  failed: 'failed',
  declined: 'declined',
  passed: 'passed',
  verified: 'passed',
};

/**
 * `edd_status` values. The API's own example sends `""`, so an empty or missing value is kept as
 * `not_reported` rather than guessed.
 */
export const EDD_STATUSES = ['not_required', 'required', 'confirmed', 'failed', 'not_reported'] as const;
export type EddStatus = (typeof EDD_STATUSES)[number];

/** What the engine learns from one read of a Kriptomat user: statuses only, never personal data. */
export interface KriptomatKycSnapshot {
  kycStatus: KycStatus;
  eddStatus: EddStatus;
}

/** The outcome a Kriptomat status settles, or null while the case must go on (pending, not_started). */
export function finalOutcomeFor(status: KycStatus): Extract<CaseOutcome, 'approved' | 'rejected'> | null {
  switch (status) {
    case 'passed':
      return 'approved';
    case 'failed':
    case 'declined':
      return 'rejected';
    case 'pending':
    case 'not_started':
      return null;
  }
}
