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
 * A SumSub webhook as the case receives it (the `sumsubEvent` signal). Only the review fields; SumSub's
 * webhooks carry no personal data, and the receiver passes on nothing else.
 */
export interface SumsubEvent {
  /** `applicantReviewed`, `applicantPending`, `applicantReset`, ...: every type is accepted. */
  type: string;
  applicantId: string;
  reviewStatus: ReviewStatus | null;
  reviewAnswer: ReviewAnswer | null;
  rejectType: RejectType | null;
  /** SumSub's `createdAtMs` as an ISO timestamp: orders events that arrive out of order. */
  createdAt: string;
}
