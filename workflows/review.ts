import type { ApplicantReview, CaseReview, ReviewStatus } from '../domain';
import { countedReview } from '../domain';
import type { SumsubEventInput } from './message-input';

/** What a SumSub review means for the case. */
type ReviewVerdict = 'green' | 'red_final' | 'red_retry' | 'red_unconfirmed' | 'in_progress';

/**
 * GREEN shares the applicant; RED+FINAL ends the case; RED+RETRY waits for the user to resubmit. Only a
 * `completed` review carries an answer that counts. A RED without a reject type is not final: the case records
 * it and keeps waiting (bounded by the user deadline) without asking the user for anything, since rejecting a
 * user by mistake cannot be undone and SumSub has not said a resubmission would help.
 */
export function verdictOf(review: CaseReview | null): ReviewVerdict {
  if (review?.reviewStatus !== 'completed' || review.reviewAnswer === null) return 'in_progress';
  if (review.reviewAnswer === 'GREEN') return 'green';
  if (review.rejectType === 'FINAL') return 'red_final';
  return review.rejectType === 'RETRY' ? 'red_retry' : 'red_unconfirmed';
}

/** A status read of the applicant as a case review, learned at `at`. */
export function reviewFromRead(read: ApplicantReview, at: string): CaseReview {
  return { ...read, at, lastEventAt: null };
}

/**
 * A webhook that carried its review (recorded before webhooks became hints) as a case review; null for events
 * that say nothing about the review (e.g. `applicantCreated`).
 */
export function reviewFromEvent(
  event: SumsubEventInput & { reviewStatus: ReviewStatus | null },
  at: string,
): CaseReview | null {
  const base = { applicantId: event.applicantId, at, lastEventAt: event.createdAt };
  if (event.type === 'applicantReset')
    return { ...base, reviewStatus: 'init', reviewAnswer: null, rejectType: null };
  if (event.reviewStatus === null) return null;
  return {
    ...base,
    ...countedReview(event.applicantId, event.reviewStatus, event.reviewAnswer, event.rejectType),
  };
}

/**
 * Folds a view of the review into the case's (which the case has once it knows its applicant). Returns null when it is not this case's current review: another
 * applicant's event, or a webhook no newer than the newest one applied (a duplicate, or out of order). A
 * status read (no `lastEventAt`) is the applicant as it is now and always counts. `changed` says whether
 * anything the case acts on changed. ISO timestamps compare as strings.
 */
export function foldReview(
  current: CaseReview,
  incoming: CaseReview,
): { review: CaseReview; changed: boolean } | null {
  if (incoming.applicantId !== current.applicantId) return null;
  const eventAt = incoming.lastEventAt;
  if (eventAt !== null && current.lastEventAt !== null && eventAt <= current.lastEventAt) return null;
  const review = { ...incoming, lastEventAt: eventAt ?? current.lastEventAt };
  const changed =
    review.reviewStatus !== current.reviewStatus ||
    review.reviewAnswer !== current.reviewAnswer ||
    review.rejectType !== current.rejectType;
  return { review: changed ? review : { ...current, lastEventAt: review.lastEventAt }, changed };
}
