import type { Duration } from '@temporalio/common';
import type { EddStatus, KriptomatKycSnapshot, KycStatus } from './kriptomat-status';
import { SUMSUB_REVIEW_EVENT_TYPES } from './sumsub-review';

/**
 * The watch of an approved user (workflows/approved-user-watch.ts): after a case ends `approved`, one small
 * workflow per user re-reads the Kriptomat status and `edd_status` on a slow schedule, and tells the partner
 * when either moves. Nothing here is personal data: the user id, status words and times.
 */

/** The `KycPhase` search attribute of a watch: the Temporal UI lists watches by it. */
export const WATCH_PHASE = 'watching';

/** Why a watch was asked to read before its schedule: the sender's reason, never the event's content. */
export const WATCH_RECHECK_REASONS = [
  'kriptomat_webhook',
  'sumsub_review_event',
  'case_approved',
  'operator',
] as const;
export type WatchRecheckReason = (typeof WATCH_RECHECK_REASONS)[number];

/** What one read of the watch was for: its schedule, or a recheck and the reason it carried. */
export type WatchReadReason = 'schedule' | WatchRecheckReason;

/** The `watchRecheck` signal's input. */
export interface WatchRecheck {
  reason: WatchRecheckReason;
}

/**
 * SumSub events that wake a watch: the applicant's KYC review events (a re-review, a reset), and a change of
 * the applicant's personal data, after which Kriptomat may ask for a new review. Transaction-monitoring (KYT),
 * AML, workflow and travel-rule events arrive per trade and never wake one.
 */
export const WATCH_WAKING_SUMSUB_EVENT_TYPES = [
  ...SUMSUB_REVIEW_EVENT_TYPES,
  'applicantPersonalInfoChanged',
] as const;

export function wakesWatch(type: string): boolean {
  return (WATCH_WAKING_SUMSUB_EVENT_TYPES as readonly string[]).includes(type);
}

/** How often a watch reads, and how long one run of it lasts. Every field has a default. */
export interface WatchSettings {
  /** Gaps between reads; the last one repeats. */
  schedule: Duration[];
  /** Each gap is stretched by up to this fraction (never shortened), so watches started together spread out. */
  jitter: number;
  /** A recheck sooner than this after the last read waits for it: a burst of webhooks costs one read. */
  recheckCooldown: Duration;
  /** Reads per workflow run before the watch continues as new, keeping every run's history small. */
  readsPerRun: number;
}

export const DEFAULT_WATCH_SETTINGS: WatchSettings = {
  schedule: ['1d', '1d', '7d'],
  jitter: 0.1,
  recheckCooldown: '1m',
  readsPerRun: 100,
};

/** The changes a watch keeps for its query: the newest ones, the older dropped (`changeCount` counts all). */
export const MAX_WATCH_CHANGES = 20;

/** A status or `edd_status` that moved between two reads. */
export interface WatchChange {
  at: string;
  reason: WatchReadReason;
  from: KriptomatKycSnapshot;
  to: KriptomatKycSnapshot;
}

/** A read that failed in a way retrying cannot fix (a broken answer, a refusal): the watch reads again later. */
export interface WatchReadError {
  type: string;
  message: string;
  at: string;
}

/** The whole watch: answered by `getWatchState`, carried across continue-as-new. Timestamps are ISO strings. */
export interface WatchState {
  userId: string;
  phase: typeof WATCH_PHASE;
  /** The status and `edd_status` as last read (at first, as the case approved them). */
  kycStatus: KycStatus;
  eddStatus: EddStatus;
  /** When the case that started the watch ended `approved`: the onboarding verdict the watch follows. */
  approvedAt: string;
  /** When this watch started. */
  since: string;
  lastReadAt: string | null;
  nextReadAt: string | null;
  /** Reads made so far: picks the gap of the schedule. */
  reads: number;
  /** Rechecks asked of the watch (webhooks, a later approval, operators). */
  rechecks: number;
  /** The newest changes, oldest first, at most `MAX_WATCH_CHANGES`. */
  changes: WatchChange[];
  /** Every change seen, also those no longer kept in `changes`. */
  changeCount: number;
  lastError: WatchReadError | null;
  /** Partner notifications sent so far: numbers each event id. */
  notifications: number;
  /** Messages dropped unread (not encrypted by the engine, or breaking their schema). */
  droppedMessages: number;
  /** Workflow runs this watch has continued through. */
  runs: number;
}

/** What starts a watch: the user, what the case approved, the case's settings, or the state to resume. */
export interface ApprovedUserWatchInput {
  userId: string;
  approved: KriptomatKycSnapshot & { at: string };
  settings?: Partial<WatchSettings>;
  /** Set only by the watch itself when it continues as new. */
  resume?: WatchState;
}

/** What a case input asks of a watch: to start one on approval, with this schedule (default otherwise). */
export interface CaseWatchRequest {
  schedule?: Duration[];
}
