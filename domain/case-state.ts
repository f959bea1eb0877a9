import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { CaseOutcome, CasePhase, OpenPhase } from './case-phase';
import type { EddStatus, KycStatus } from './kriptomat-status';
import type { CaseWatchRequest } from './watch';
import type { ApplicantReview, RejectType, ReviewAnswer, ReviewStatus, SumsubEvent } from './sumsub-review';
import { countedReview } from './sumsub-review';

/** How long a case waits, and how often it reads. Every field has a default; a case may override any. */
export interface CaseTimings {
  /** The read schedule: gaps between Kriptomat reads while waiting on its verdict; the last gap repeats. */
  pollSchedule: Duration[];
  /** How long to wait for Kriptomat's decision before the case ends `expired`. */
  decisionDeadline: Duration;
  /** The review read interval: between SumSub review reads while the user verifies (lost webhooks). */
  reviewPollInterval: Duration;
  /** How long the user has to pass SumSub before the case ends `expired`. */
  userDeadline: Duration;
  /** How long a case parked in `needs_attention` waits for an operator before it ends `unresolved`. */
  parkedDeadline: Duration;
  /** Each gap is stretched by up to this fraction (never shortened), so cases started together spread out. */
  jitter: number;
  /** Waits per workflow run before the case continues as new, keeping every run's history small. */
  waitsPerRun: number;
}

export const DEFAULT_CASE_TIMINGS: CaseTimings = {
  pollSchedule: ['30s', '1m', '2m', '5m', '15m', '1h'],
  decisionDeadline: '14d',
  reviewPollInterval: '15m',
  userDeadline: '30d',
  parkedDeadline: '30d',
  jitter: 0.1,
  waitsPerRun: 50,
};

/**
 * The gap before read number `read` (0-based) of a wait: the read schedule's entry, the last one repeating,
 * stretched by up to `jitter` of itself so that cases started together (a backfill) do not all read in the
 * same second. Jitter only ever lengthens a gap: the schedule is the most a case may cost the vendor.
 * `random` is the workflow's own seeded `Math.random`, so the gaps replay exactly.
 */
export function readGap(
  schedule: readonly Duration[],
  read: number,
  jitter: number,
  random: () => number,
): number {
  const base = schedule.map(msToNumber)[Math.min(read, schedule.length - 1)];
  if (base === undefined) throw new Error('the read schedule is empty');
  const spread = Math.min(Math.max(jitter, 0), 1) * base;
  return Math.round(base + random() * spread);
}

/** How long to wait for the next read: the gap, but never past the deadline. */
export function waitBefore(gapMs: number, nowMs: number, deadlineMs: number): number {
  return Math.max(0, Math.min(gapMs, deadlineMs - nowMs));
}

/** What starts a case: the Kriptomat user id, and optional timings. Never personal data. */
export interface KycCaseInput {
  userId: string;
  timings?: Partial<CaseTimings>;
  /** Set when the case should start the watch of its user once it ends `approved` (KYC_WATCH_APPROVED). */
  watch?: CaseWatchRequest;
  /** Set only by the workflow itself when it continues as new: the case so far. */
  resume?: KycCaseState;
}

/** An error that stopped the case, as operators see it in `needs_attention`. */
export interface CaseErrorRecord {
  type: string;
  message: string;
  /** The phase whose step failed; `retry` resumes there. */
  step: OpenPhase;
  at: string;
  /**
   * When the parked case ends `unresolved` unless an operator retries it first. Absent in runs without the
   * `parked-cases-end-1` patch (workflows/patches.ts): those wait for an operator.
   */
  expiresAt?: string;
}

/** The SumSub side of a case: which applicant, and the latest review the case has seen. */
export interface CaseReview extends ApplicantReview {
  /** When the case learned this review (workflow time). */
  at: string;
  /**
   * SumSub's `createdAtMs` of the newest webhook applied. Webhooks are ordered among themselves by it, never
   * against our own reads, whose clock is not SumSub's.
   */
  lastEventAt: string | null;
}

/** What a SumSub review means for the case. */
export type ReviewVerdict = 'green' | 'red_final' | 'red_retry' | 'red_unconfirmed' | 'in_progress';

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

/**
 * Folds a view of the review into the case's. Returns null when it is not this case's current review:
 * another applicant's event, or a webhook no newer than the newest one applied (a duplicate, or out of
 * order). A status read (no `lastEventAt`) is the applicant as it is now and always counts. `changed` says
 * whether anything the case acts on changed. ISO timestamps compare as strings.
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

/** A SumSub event that carries its review, as signals recorded in runs without `review-read-decides-1` do. */
export interface ReviewEvent extends SumsubEvent {
  reviewStatus: ReviewStatus | null;
  reviewAnswer?: ReviewAnswer | null;
  rejectType?: RejectType | null;
}

/** The review a `ReviewEvent` carried, learned at `at`; null for events that say nothing about it. */
export function reviewFromEvent(event: ReviewEvent, at: string): CaseReview | null {
  const base = { applicantId: event.applicantId, at, lastEventAt: event.createdAt };
  if (event.type === 'applicantReset')
    return { ...base, reviewStatus: 'init', reviewAnswer: null, rejectType: null };
  if (event.reviewStatus === null) return null;
  return {
    ...base,
    ...countedReview(event.applicantId, event.reviewStatus, event.reviewAnswer, event.rejectType),
  };
}

/** The wait the case is in (`awaiting_user` or `awaiting_kriptomat`), kept across continue-as-new. */
export interface CaseWait {
  phase: 'awaiting_user' | 'awaiting_kriptomat';
  since: string;
  deadlineAt: string;
  /** Reads so far in this wait (a stored name): picks the next gap of the read schedule. */
  looks: number;
}

/** The whole case: answered by `getState`, returned as the workflow result. Timestamps are ISO strings. */
export interface KycCaseState {
  userId: string;
  phase: CasePhase;
  outcome: CaseOutcome | null;
  kycStatus: KycStatus | null;
  eddStatus: EddStatus | null;
  /** The SumSub applicant and review, once the case reached SumSub. */
  review: CaseReview | null;
  /** Every phase the case entered, in order, with when. */
  phases: { phase: CasePhase; at: string }[];
  lastError: CaseErrorRecord | null;
  /** Reads of the Kriptomat user, reads of the SumSub review, SumSub webhooks received. */
  kriptomatChecks: number;
  sumsubChecks: number;
  sumsubEvents: number;
  /**
   * Messages dropped unread: input that was not encrypted by the engine, failed authentication, or broke its
   * schema. Absent in a state carried through continue-as-new from workflow code that did not count them.
   */
  droppedMessages?: number;
  wait: CaseWait | null;
  /** When the next scheduled read is due, while waiting. */
  nextCheckAt: string | null;
  /** Partner notifications sent so far: numbers each event id. */
  notifications: number;
  cancelReason: string | null;
  /** Workflow runs this case has continued through (1 for a case that never continued as new). */
  runs: number;
  startedAt: string;
  updatedAt: string;
}
