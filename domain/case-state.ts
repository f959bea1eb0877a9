import type { Duration } from '@temporalio/common';
import type { CaseOutcome, CasePhase, OpenPhase } from './case-phase';
import type { EddStatus, KycStatus } from './kriptomat-status';

/** How long a case waits, and how often it looks. Every field has a default; a case may override any. */
export interface CaseTimings {
  /** Gaps between Kriptomat reads while waiting on its decision; the last gap repeats. */
  pollSchedule: Duration[];
  /** How long to wait for Kriptomat's decision before the case ends `expired`. */
  decisionDeadline: Duration;
}

export const DEFAULT_CASE_TIMINGS: CaseTimings = {
  pollSchedule: ['30s', '1m', '2m', '5m', '15m', '1h'],
  decisionDeadline: '14d',
};

/** What starts a case: the Kriptomat user id, and optional timings. Never personal data. */
export interface KycCaseInput {
  userId: string;
  timings?: Partial<CaseTimings>;
}

/** An error that stopped the case, as operators see it in `needs_attention`. */
export interface CaseErrorRecord {
  type: string;
  message: string;
  /** The phase whose step failed; `retry` resumes there. */
  step: OpenPhase;
  at: string;
}

/** The whole case: answered by `getState`, returned as the workflow result. Timestamps are ISO strings. */
export interface KycCaseState {
  userId: string;
  phase: CasePhase;
  outcome: CaseOutcome | null;
  kycStatus: KycStatus | null;
  eddStatus: EddStatus | null;
  /** Every phase the case entered, in order, with when. */
  phases: { phase: CasePhase; at: string }[];
  lastError: CaseErrorRecord | null;
  /** Reads of the Kriptomat user so far. */
  kriptomatChecks: number;
  /** When the next scheduled Kriptomat read is due, while polling. */
  nextCheckAt: string | null;
  cancelReason: string | null;
  startedAt: string;
  updatedAt: string;
}
