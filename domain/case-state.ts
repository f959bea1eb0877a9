import type { Duration } from '@temporalio/common';
import type { CaseOutcome, CasePhase, OpenPhase } from './case-phase';
import type { EddStatus, KycStatus } from './kriptomat-status';
import type { ApplicantReview } from './sumsub-review';

/** How long a case waits, and how often it looks. Every field has a default; a case may override any. */
export interface CaseTimings {
  /** Gaps between Kriptomat reads while waiting on its decision; the last gap repeats. */
  pollSchedule: Duration[];
  /** How long to wait for Kriptomat's decision before the case ends `expired`. */
  decisionDeadline: Duration;
  /** Gap between SumSub status reads while the user verifies: the fallback for lost webhooks. */
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

/** What starts a case: the Kriptomat user id, and optional timings. Never personal data. */
export interface KycCaseInput {
  userId: string;
  timings?: Partial<CaseTimings>;
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
  /** When the parked case ends `unresolved` unless an operator retries it first (cases parked since 2026-12). */
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

/** The wait the case is in (`awaiting_user` or `awaiting_kriptomat`), kept across continue-as-new. */
export interface CaseWait {
  phase: 'awaiting_user' | 'awaiting_kriptomat';
  since: string;
  deadlineAt: string;
  /** Looks so far in this wait: picks the next gap of the poll schedule. */
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
   * schema. Missing in the state of cases that began before messages were checked.
   */
  droppedMessages?: number;
  wait: CaseWait | null;
  /** When the next scheduled look is due, while waiting. */
  nextCheckAt: string | null;
  /** Partner notifications sent so far: numbers each event id. */
  notifications: number;
  cancelReason: string | null;
  /** Workflow runs this case has continued through (1 for a case that never continued as new). */
  runs: number;
  startedAt: string;
  updatedAt: string;
}
