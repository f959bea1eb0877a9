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
 * `edd_status` values Kriptomat documents, plus `not_reported` for the empty string its own example sends
 * (or a missing value). EDD never decides a case (docs/vendor-apis.md, "Kriptomat show user").
 */
export const EDD_STATUSES = ['not_required', 'required', 'confirmed', 'failed', 'not_reported'] as const;
export type KnownEddStatus = (typeof EDD_STATUSES)[number];

/**
 * What an `edd_status` Kriptomat sends may look like to be kept as it is: Kriptomat may add values the seed
 * does not list (`in_review`), and the engine records them rather than parking a case. The bound keeps them
 * fit for a search attribute and a log line: short, one word, no free text.
 */
export const EDD_STATUS_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,47}$/;

/** Recorded for an `edd_status` that is not a word within `EDD_STATUS_PATTERN` (a number, an object, prose). */
export const UNREADABLE_EDD_STATUS = 'unreadable';

/**
 * A documented EDD status, or another one Kriptomat reported (within `EDD_STATUS_PATTERN`), kept verbatim.
 * `string & {}` keeps the known values visible to editors while admitting the rest.
 */
export type EddStatus = KnownEddStatus | (string & {});

/**
 * Kriptomat's raw `edd_status` as the engine records it: `""`, `null` or missing is `not_reported`; a word
 * within `EDD_STATUS_PATTERN` is kept as sent; anything else is `unreadable`. Never throws: EDD is shown,
 * never decided on.
 */
export function eddStatusFrom(raw: unknown): EddStatus {
  if (raw === undefined || raw === null || raw === '') return 'not_reported';
  if (typeof raw === 'string' && EDD_STATUS_PATTERN.test(raw)) return raw;
  return UNREADABLE_EDD_STATUS;
}

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

/** What sharing an applicant with Kriptomat did. */
export interface ShareResult {
  /** `imported`: this call imported the token. `skipped`: Kriptomat already had a status other than not_started. */
  result: 'imported' | 'skipped';
  kyc: KriptomatKycSnapshot;
}
