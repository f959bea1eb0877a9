/** SumSub's `reviewStatus` values. Only `completed` carries a `reviewResult` that means anything. */
export const REVIEW_STATUSES = ['init', 'pending', 'prechecked', 'queued', 'completed', 'onHold'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const REVIEW_ANSWERS = ['GREEN', 'RED'] as const;
export type ReviewAnswer = (typeof REVIEW_ANSWERS)[number];

/** RETRY: the user may resubmit. FINAL: the applicant is rejected for good. */
export const REJECT_TYPES = ['FINAL', 'RETRY'] as const;
export type RejectType = (typeof REJECT_TYPES)[number];

/** The part of an applicant's review the case acts on: no personal data, no moderator comments. */
export interface ApplicantReview {
  applicantId: string;
  reviewStatus: ReviewStatus;
  reviewAnswer: ReviewAnswer | null;
  rejectType: RejectType | null;
}

/**
 * The review as the case reads it, from a status call or a webhook alike: an answer counts only once the
 * review is `completed`, and a reject type only with a RED answer.
 */
export function countedReview(
  applicantId: string,
  reviewStatus: ReviewStatus,
  reviewAnswer: ReviewAnswer | null | undefined,
  rejectType: RejectType | null | undefined,
): ApplicantReview {
  const answer = reviewStatus === 'completed' ? (reviewAnswer ?? null) : null;
  return {
    applicantId,
    reviewStatus,
    reviewAnswer: answer,
    rejectType: answer === 'RED' ? (rejectType ?? null) : null,
  };
}

/**
 * The SumSub event types about an applicant's KYC review. Only these wake a case (docs/vendor-apis.md, "SumSub
 * webhooks"); transaction monitoring (`applicantKytTxn*`, `kytCase*`), AML, workflow, action, travel-rule and
 * personal-info events share the URL, the applicant and even a RED `reviewResult`, but never decide a case.
 */
export const SUMSUB_REVIEW_EVENT_TYPES = [
  'applicantReviewed',
  'applicantPending',
  'applicantPrechecked',
  'applicantOnHold',
  'applicantReset',
  'applicantDeleted',
] as const;
export type SumsubReviewEventType = (typeof SUMSUB_REVIEW_EVENT_TYPES)[number];

export function isSumsubReviewEventType(type: string): type is SumsubReviewEventType {
  return (SUMSUB_REVIEW_EVENT_TYPES as readonly string[]).includes(type);
}

/**
 * A SumSub webhook as the case receives it (the `sumsubEvent` signal): a hint that the applicant's review may
 * have changed, never the review itself. The case answers it by reading the review from SumSub, and that read
 * decides, so a forged, delayed or replayed delivery cannot move a case.
 */
export interface SumsubEvent {
  /** One of `SUMSUB_REVIEW_EVENT_TYPES`; the receiver signals no other type. */
  type: string;
  applicantId: string;
  /** SumSub's `createdAtMs` as an ISO timestamp: shown to operators, never compared with anything. */
  createdAt: string;
}
