import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  setCurrentDetails,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { Duration, SearchAttributePair } from '@temporalio/common';
import type {
  ApplicantReview,
  CasePhase,
  CaseReview,
  CaseTimings,
  CaseWait,
  KriptomatKycSnapshot,
  KycCaseState,
  OpenPhase,
  OperatorAction,
  PartnerAction,
  PartnerEvent,
} from '../domain';
import {
  EDD_STATUS,
  ERROR_TYPES,
  isOutcome,
  KYC_OUTCOME,
  KYC_PHASE,
  foldReview,
  KYC_STATUS,
  MAX_CASE_TEXT_LENGTH,
  plainText,
  renderCaseDetails,
} from '../domain';
import type { ShareResult } from '../activities/contract';
import { AuditRecords } from './activity-calls';
import type { PartnerNews } from './partner-notifications';
import { PartnerNotifications } from './partner-notifications';

/** What messages asked of the case since it last acted on them. */
interface Requests {
  /** `recheck`: read now instead of at the next scheduled read. */
  recheck: boolean;
  /** `retry` while parked: run the failed step again. */
  retry: boolean;
  /** A SumSub review event arrived since the case last read the review: read it now. */
  reviewHint: boolean;
  /** The review the case holds changed and the case has not acted on it yet. */
  reviewChange: boolean;
}

/**
 * One case: its state (answered by `getState`, carried across continue-as-new, returned as the result) and
 * every change to it. Steps and message handlers call these transitions and never write the state
 * themselves, so each rule (what entering a phase clears, which review counts, what operators see) lives
 * here once. Handlers only record what arrived; the steps decide what it means, so a message can never
 * interleave with half a step. Workflow time (`new Date()`) is deterministic, so timestamps replay exactly.
 */
export class KycCase {
  private readonly requests: Requests = {
    recheck: false,
    retry: false,
    reviewHint: false,
    reviewChange: false,
  };
  /** Runs the steps; cancelling it (the `cancel` signal) interrupts any wait or activity in progress. */
  private readonly work = new CancellationScope();
  /** The reason of an accepted `cancel`, until the interrupted step has unwound. */
  private cancelReason: string | null = null;
  /** The newest webhook time seen before the applicant was known. */
  private earlyEventAt: string | null = null;
  /** What the case did, for the audit trail: collected at the transitions below, written by `flushAudit`. */
  private readonly audit: AuditRecords;
  private readonly notifications: PartnerNotifications;

  /** @param audited whether this run writes the audit trail (workflows/patches.ts) */
  constructor(
    private readonly current: KycCaseState,
    readonly timings: CaseTimings,
    audited = false,
  ) {
    this.audit = new AuditRecords(current.userId, current.runs, audited);
    this.notifications = new PartnerNotifications(current, this.audit);
  }

  /** A fresh case in `checking`. */
  static open(userId: string, timings: CaseTimings, audited = false): KycCase {
    const now = new Date().toISOString();
    const kase = new KycCase(
      {
        userId,
        phase: 'checking',
        outcome: null,
        kycStatus: null,
        eddStatus: null,
        review: null,
        phases: [{ phase: 'checking', at: now }],
        lastError: null,
        kriptomatChecks: 0,
        sumsubChecks: 0,
        sumsubEvents: 0,
        droppedMessages: 0,
        wait: null,
        nextCheckAt: null,
        notifications: 0,
        cancelReason: null,
        runs: 1,
        startedAt: now,
        updatedAt: now,
      },
      timings,
      audited,
    );
    kase.audit.add({ kind: 'case.started', data: {} });
    return kase;
  }

  get state(): Readonly<KycCaseState> {
    return this.current;
  }

  get asked(): Readonly<Requests> {
    return this.requests;
  }

  /** Reads made so far, of Kriptomat and of SumSub: the `recheck` update waits for the next one. */
  get reads(): number {
    return this.current.kriptomatChecks + this.current.sumsubChecks;
  }

  get applicantId(): string {
    if (!this.current.review)
      throw ApplicationFailure.nonRetryable(
        'the case has no SumSub applicant yet',
        ERROR_TYPES.Configuration,
      );
    return this.current.review.applicantId;
  }

  /** The wait the case is in; only a waiting step asks for it. */
  get wait(): Readonly<CaseWait> {
    return this.openWait();
  }

  /** Whether this run writes the audit trail: only then do the steps wait for `flushAudit`. */
  get audited(): boolean {
    return this.audit.on;
  }

  /**
   * Writes the audit records collected so far (one activity, none when nothing is pending) and resolves once
   * they are written: called before every action that depends on them.
   */
  flushAudit(): Promise<void> {
    return this.audit.flush();
  }

  /** The state the next run resumes from, when the case continues as new. */
  handover(): KycCaseState {
    return { ...this.current, runs: this.current.runs + 1 };
  }

  // Phases

  /** Moves the case to `phase` and shows it to operators (search attributes and UI details). */
  enterPhase(phase: CasePhase): void {
    const state = this.current;
    const now = new Date().toISOString();
    if (state.phase !== phase)
      this.audit.add({ kind: 'case.phase_changed', data: { from: state.phase, to: phase } });
    if (isOutcome(phase)) this.audit.add({ kind: 'case.decided', data: { outcome: phase } });
    state.phase = phase;
    state.updatedAt = now;
    state.nextCheckAt = null;
    if (isOutcome(phase)) state.outcome = phase;
    // An unresolved case keeps the error it was parked with: that is why it ended.
    if (phase !== 'needs_attention' && phase !== 'unresolved') state.lastError = null;
    // A wait belongs to its phase; parking keeps it so `retry` resumes the same wait and deadline.
    if (phase !== state.wait?.phase && phase !== 'needs_attention') state.wait = null;
    state.phases.push({ phase, at: now });
    this.publish();
  }

  /** Parks the case in `needs_attention` with the failure that stopped `step`, which `retry` resumes. */
  park(step: OpenPhase, failure: { type: string; message: string }): void {
    const message = plainText(failure.message, MAX_CASE_TEXT_LENGTH);
    this.current.lastError = { ...failure, message, step, at: new Date().toISOString() };
    this.audit.add({
      kind: 'case.failed',
      data: { errorType: failure.type },
      ...(message && { text: { message } }),
    });
    this.enterPhase('needs_attention');
  }

  /** When the parked case ends `unresolved`: set once, `deadline` after it was first asked; null if not parked. */
  parkedUntil(deadline: Duration): string | null {
    const { lastError } = this.current;
    if (!lastError) return null;
    lastError.expiresAt ??= new Date(Date.now() + msToNumber(deadline)).toISOString();
    this.showDetails();
    return lastError.expiresAt;
  }

  /** An operator's `retry` arrived: resumes the step that failed. */
  resume(): void {
    this.requests.retry = false;
    this.enterPhase(this.current.lastError?.step ?? 'checking');
  }

  /** Runs the steps; a `cancel` interrupts them and ends the case `cancelled`. */
  async runUntilCancelled(steps: () => Promise<void>): Promise<void> {
    try {
      await this.work.run(steps);
    } catch (error) {
      if (!isCancellation(error) || this.cancelReason === null) throw error;
      this.current.cancelReason = this.cancelReason;
      this.enterPhase('cancelled');
    }
  }

  // Waits

  /** The wait of `phase`, started now unless the case is resuming it (after a retry or continue-as-new). */
  enterWait(phase: CaseWait['phase'], deadline: Duration): void {
    if (this.current.wait?.phase === phase) return;
    const now = Date.now();
    this.current.wait = { phase, since: iso(now), deadlineAt: iso(now + msToNumber(deadline)), looks: 0 };
  }

  /** The next read is due at `atMs` (shown to operators). */
  scheduleRead(atMs: number): void {
    this.current.nextCheckAt = iso(atMs);
    this.showDetails();
  }

  /** The read is due: counts it in the wait and clears the requests that asked for it. */
  readDue(): void {
    this.current.nextCheckAt = null;
    this.requests.recheck = false;
    this.requests.reviewHint = false;
    this.openWait().looks += 1;
  }

  /** True once the wait's deadline has passed. */
  waitExpired(): boolean {
    return Date.now() >= Date.parse(this.wait.deadlineAt);
  }

  private openWait(): CaseWait {
    if (!this.current.wait) throw new Error('the case is not waiting');
    return this.current.wait;
  }

  // What the case learned

  /**
   * Records a fresh read of the Kriptomat user and says whether a status changed. It shows nothing itself: the
   * caller usually changes phase next, and one search-attribute update (a history event) should cover both.
   */
  learnStatus(snapshot: KriptomatKycSnapshot): boolean {
    const state = this.current;
    const changed = state.kycStatus !== snapshot.kycStatus || state.eddStatus !== snapshot.eddStatus;
    state.kycStatus = snapshot.kycStatus;
    state.eddStatus = snapshot.eddStatus;
    state.kriptomatChecks += 1;
    // A read that changes nothing changes no decision: only a changed answer goes into the trail.
    if (changed)
      this.audit.add({
        kind: 'kriptomat.status_read',
        data: { status: snapshot.kycStatus, eddStatus: snapshot.eddStatus },
      });
    state.updatedAt = new Date().toISOString();
    return changed;
  }

  /**
   * The applicant found or created at SumSub. Events received before that read are already reflected in it;
   * they only set the event clock, so that anything older arriving later is ignored.
   */
  learnApplicant(read: ApplicantReview): void {
    const review = reviewFromRead(read);
    if (this.earlyEventAt && this.earlyEventAt > (review.lastEventAt ?? ''))
      review.lastEventAt = this.earlyEventAt;
    this.current.review = review;
    this.requests.reviewChange = false;
    this.recordReview(review);
  }

  /** What Kriptomat's import of the shared applicant answered (imported, or skipped as already done). */
  learnImport(result: ShareResult['result']): void {
    this.audit.add({ kind: 'kriptomat.import', data: { result } });
  }

  /** A read of the applicant's review. */
  learnReviewRead(read: ApplicantReview): void {
    this.current.sumsubChecks += 1;
    this.learnReview(reviewFromRead(read));
  }

  /** Folds a review into the case when it is newer; remembers its time when the applicant is not known yet. */
  learnReview(review: CaseReview): void {
    const state = this.current;
    if (state.review === null) {
      if (review.lastEventAt && review.lastEventAt > (this.earlyEventAt ?? ''))
        this.earlyEventAt = review.lastEventAt;
      return;
    }
    const folded = foldReview(state.review, review);
    if (folded === null) return;
    state.review = folded.review;
    if (!folded.changed) return;
    this.requests.reviewChange = true;
    this.recordReview(folded.review);
  }

  /** A review the case will act on, as the trail keeps it: the answer and reject type, nothing else. */
  private recordReview(review: CaseReview): void {
    const { reviewAnswer, rejectType } = review;
    this.audit.add({
      kind: 'sumsub.review_read',
      data: { ...(reviewAnswer && { reviewAnswer }), ...(rejectType && { rejectType }) },
    });
  }

  /** The case ended: the last record of its trail. */
  end(): void {
    const { outcome } = this.current;
    if (outcome) this.audit.add({ kind: 'case.ended', data: { outcome } });
  }

  /** Whether the review changed since the case last acted on it; acting on it now. */
  takeReviewChange(): boolean {
    const changed = this.requests.reviewChange;
    this.requests.reviewChange = false;
    return changed;
  }

  // Messages

  /** An operator (`by`) asked for `action`, for `reason`: recorded before the case acts on it. */
  recordOperator(by: string, action: OperatorAction, reason?: string): void {
    this.audit.add({
      kind: 'operator.action',
      data: { operator: by, action },
      ...(reason && { text: { reason } }),
    });
  }

  /** `recheck`: read at once instead of at the next scheduled read. */
  askRecheck(): void {
    this.requests.recheck = true;
  }

  /** `retry`: counts only while the case is parked. */
  askRetry(): void {
    this.requests.retry = this.current.phase === 'needs_attention';
  }

  /** `cancel`: interrupts whatever the case is doing, unless it has ended or is already being cancelled. */
  cancel(reason: string): void {
    if (isOutcome(this.current.phase) || this.cancelReason !== null) return;
    this.cancelReason = reason || 'cancelled without a reason';
    this.work.cancel();
  }

  /** A SumSub event about this case's applicant (or before the applicant is known) asks for a read. */
  hintReview(applicantId: string): void {
    const { review } = this.current;
    if (review && review.applicantId !== applicantId) return;
    this.requests.reviewHint = true;
  }

  countSumsubEvent(): void {
    this.current.sumsubEvents += 1;
  }

  countDroppedMessage(): void {
    this.current.droppedMessages = (this.current.droppedMessages ?? 0) + 1;
  }

  // Partner notifications

  /** Tells the partner `type` about the case as it is now, without holding it up (see `PartnerNotifications`). */
  notify(type: PartnerEvent['type'], action: PartnerAction | null = null): void {
    this.notifications.send(this.news(type, action));
  }

  /** Tells the partner the case is parked (`case.needs_attention`) and the error type that parked it. */
  notifyParked(): void {
    const { lastError } = this.current;
    if (!lastError) return;
    this.notifications.send({ ...this.news('case.needs_attention'), errorType: lastError.type });
  }

  /** What the partner is told about the case as it is now. */
  private news(type: PartnerEvent['type'], action: PartnerAction | null = null): PartnerNews {
    const state = this.current;
    return {
      type,
      userId: state.userId,
      phase: state.phase,
      action,
      outcome: state.outcome,
      kycStatus: state.kycStatus,
      eddStatus: state.eddStatus,
      occurredAt: new Date().toISOString(),
    };
  }

  /** Resolves once every notification queued so far was delivered. */
  notificationsDelivered(): Promise<void> {
    return this.notifications.delivered();
  }

  // What operators see

  /** The search attributes that show the case, as one update. */
  searchAttributes(): SearchAttributePair[] {
    const state = this.current;
    return [
      { key: KYC_PHASE, value: state.phase },
      ...(state.kycStatus ? [{ key: KYC_STATUS, value: state.kycStatus }] : []),
      ...(state.eddStatus ? [{ key: EDD_STATUS, value: state.eddStatus }] : []),
      ...(state.outcome ? [{ key: KYC_OUTCOME, value: state.outcome }] : []),
    ];
  }

  /** Shows the case to operators: search attributes (a history event) and the UI details. */
  publish(): void {
    upsertSearchAttributes(this.searchAttributes());
    this.showDetails();
  }

  /** Refreshes only the UI details (no history event). */
  showDetails(): void {
    setCurrentDetails(renderCaseDetails(this.current));
  }
}

/** A status read of the applicant as a case review, learned now. */
function reviewFromRead(read: ApplicantReview): CaseReview {
  return { ...read, at: new Date().toISOString(), lastEventAt: null };
}

const iso = (ms: number) => new Date(ms).toISOString();
