import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { SearchAttributePair } from '@temporalio/common';
import type {
  ApprovedUserWatchInput,
  KriptomatKycSnapshot,
  WatchChange,
  WatchReadReason,
  WatchRecheckReason,
  WatchSettings,
  WatchState,
} from '../domain';
import {
  EDD_STATUS,
  KYC_PHASE,
  KYC_STATUS,
  MAX_CASE_TEXT_LENGTH,
  MAX_WATCH_CHANGES,
  plainText,
  readGap,
  renderWatchDetails,
  WATCH_PHASE,
} from '../domain';
import { AuditRecords } from './activity-calls';
import { PartnerNotifications } from './partner-notifications';

/**
 * One approved user's watch: its state (answered by `getWatchState`, carried across continue-as-new) and every
 * change to it, as `KycCase` owns a case's. The workflow and the message handlers call these transitions and
 * never write the state themselves. Workflow time and `Math.random` are deterministic, so all of it replays.
 */
export class ApprovedUserWatch {
  /** The reason of the first recheck asked since the last read; null when none is pending. */
  private recheck: WatchRecheckReason | null = null;
  /** The status changes and notifications, for the audit trail (written before the partner is told). */
  private readonly audit: AuditRecords;
  private readonly notifications: PartnerNotifications;

  /** @param audited whether this run writes the audit trail (workflows/patches.ts) */
  constructor(
    private readonly current: WatchState,
    readonly settings: WatchSettings,
    audited = false,
  ) {
    this.audit = new AuditRecords(current.userId, current.runs, audited);
    this.notifications = new PartnerNotifications(current, this.audit);
  }

  /** A new watch, holding the statuses the case approved. */
  static open(input: ApprovedUserWatchInput, settings: WatchSettings, audited = false): ApprovedUserWatch {
    const { userId, approved } = input;
    return new ApprovedUserWatch(
      {
        userId,
        phase: WATCH_PHASE,
        kycStatus: approved.kycStatus,
        eddStatus: approved.eddStatus,
        approvedAt: approved.at,
        since: new Date().toISOString(),
        lastReadAt: null,
        nextReadAt: null,
        reads: 0,
        rechecks: 0,
        changes: [],
        changeCount: 0,
        lastError: null,
        notifications: 0,
        droppedMessages: 0,
        runs: 1,
      },
      settings,
      audited,
    );
  }

  /** Whether this run writes the audit trail. */
  get audited(): boolean {
    return this.audit.on;
  }

  /** Writes the audit records collected so far; resolves once written (see `AuditRecords`). */
  flushAudit(): Promise<void> {
    return this.audit.flush();
  }

  get state(): Readonly<WatchState> {
    return this.current;
  }

  /** Whether a recheck is waiting to be read. */
  get recheckAsked(): boolean {
    return this.recheck !== null;
  }

  /** The state the next run resumes from. */
  handover(): WatchState {
    return { ...this.current, runs: this.current.runs + 1 };
  }

  // Reads

  /** The gap before the next scheduled read, jittered with the workflow's seeded random. */
  nextGap(): number {
    const { schedule, jitter } = this.settings;
    return readGap(schedule, this.current.reads, jitter, Math.random);
  }

  /** When a recheck asked now may read: not before the cooldown after the last read has passed. */
  earliestRecheckAt(): number {
    const { lastReadAt } = this.current;
    return lastReadAt ? Date.parse(lastReadAt) + msToNumber(this.settings.recheckCooldown) : 0;
  }

  /** The next read is due at `atMs` (shown to operators). */
  scheduleRead(atMs: number): void {
    this.current.nextReadAt = new Date(atMs).toISOString();
    this.showDetails();
  }

  /** A read starts now: why (the schedule, or the pending recheck's reason), clearing the request. */
  readDue(): WatchReadReason {
    const reason = this.recheck ?? 'schedule';
    this.recheck = null;
    this.current.nextReadAt = null;
    return reason;
  }

  /**
   * Records a read and returns the change it saw, or null when the status and `edd_status` are as last known.
   * Only the newest `MAX_WATCH_CHANGES` changes are kept.
   */
  learn(snapshot: KriptomatKycSnapshot, reason: WatchReadReason): WatchChange | null {
    const state = this.current;
    const now = new Date().toISOString();
    state.reads += 1;
    state.lastReadAt = now;
    state.lastError = null;
    const from = { kycStatus: state.kycStatus, eddStatus: state.eddStatus };
    if (from.kycStatus === snapshot.kycStatus && from.eddStatus === snapshot.eddStatus) return null;
    const change: WatchChange = { at: now, reason, from, to: { ...snapshot } };
    state.kycStatus = snapshot.kycStatus;
    state.eddStatus = snapshot.eddStatus;
    state.changeCount += 1;
    state.changes.push(change);
    state.changes.splice(0, Math.max(0, state.changes.length - MAX_WATCH_CHANGES));
    this.audit.add({
      kind: 'kriptomat.status_read',
      data: { status: snapshot.kycStatus, eddStatus: snapshot.eddStatus },
    });
    return change;
  }

  /** A read failed in a way retrying cannot fix: kept for operators; the schedule goes on. */
  readFailed(failure: { type: string; message: string }): void {
    const state = this.current;
    state.reads += 1;
    state.lastError = {
      type: failure.type,
      message: plainText(failure.message, MAX_CASE_TEXT_LENGTH),
      at: new Date().toISOString(),
    };
  }

  // Messages

  /** `watchRecheck`: read before the schedule says; a burst of them is one read. */
  askRecheck(reason: WatchRecheckReason): void {
    this.current.rechecks += 1;
    this.recheck ??= reason;
  }

  countDroppedMessage(): void {
    this.current.droppedMessages += 1;
  }

  // Partner notifications

  /** Tells the partner `case.status_changed` for `change`, without holding up the watch (`PartnerNotifications`). */
  notifyChange(change: WatchChange): void {
    this.notifications.send({
      type: 'case.status_changed',
      userId: this.current.userId,
      phase: 'approved',
      action: null,
      outcome: 'approved',
      kycStatus: change.to.kycStatus,
      eddStatus: change.to.eddStatus,
      previous: change.from,
      occurredAt: change.at,
    });
  }

  /** Resolves once every notification queued so far was delivered. */
  notificationsDelivered(): Promise<void> {
    return this.notifications.delivered();
  }

  // What operators see

  /** `KycPhase` = `watching`, and the statuses as last read. */
  searchAttributes(): SearchAttributePair[] {
    return [
      { key: KYC_PHASE, value: WATCH_PHASE },
      { key: KYC_STATUS, value: this.current.kycStatus },
      { key: EDD_STATUS, value: this.current.eddStatus },
    ];
  }

  /** Shows the watch to operators: search attributes (a history event) and the UI details. */
  publish(): void {
    upsertSearchAttributes(this.searchAttributes());
    this.showDetails();
  }

  /** Refreshes only the UI details (no history event). */
  showDetails(): void {
    setCurrentDetails(renderWatchDetails(this.current));
  }
}
