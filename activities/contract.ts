import type { ApplicantReview, KriptomatKycSnapshot, PartnerEvent, ShareResult } from '../domain';

/**
 * The activities the case workflow calls: the contract between `workflows/` and `activities/`. Each is
 * idempotent (safe to retry after a crash at any point) and returns no personal data, so nothing personal
 * reaches workflow history. Failures are `ApplicationFailure`s whose `type` is one of `ERROR_TYPES`.
 */
export interface KycActivities {
  /** Reads the Kriptomat user and returns only its KYC and EDD statuses. */
  readKycStatus(userId: string): Promise<KriptomatKycSnapshot>;

  /**
   * Finds or creates the SumSub applicant whose `externalUserId` is `userId`, filling `fixedInfo` from the
   * Kriptomat profile read inside the activity. Returns the applicant id and its current review.
   */
  ensureSumsubApplicant(userId: string): Promise<ApplicantReview>;

  /** Reads the applicant's current review at SumSub (the fallback when webhooks are lost). */
  readApplicantReview(applicantId: string): Promise<ApplicantReview>;

  /**
   * Shares a GREEN applicant with Kriptomat: re-reads the Kriptomat user first and skips when it is no longer
   * `not_started` (never import twice), else mints a fresh single-use share token and imports it.
   */
  shareApplicantWithKriptomat(input: { userId: string; applicantId: string }): Promise<ShareResult>;

  /** POSTs a signed event to the partner's webhook URL; deduplicated downstream by `eventId`. */
  notifyPartner(event: PartnerEvent): Promise<void>;
}

export type { PartnerAction, PartnerEvent, ShareResult } from '../domain';
