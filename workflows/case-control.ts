import { CancellationScope, condition, setHandler } from '@temporalio/workflow';
import type { CaseReview, KycCaseState } from '../domain';
import { isOutcome, isSumsubReviewEventType } from '../domain';
import { showDetails } from './case-record';
import { acceptCancel, acceptSumsubEvent } from './message-input';
import type { SumsubEventInput } from './message-input';
import {
  cancelSignal,
  getStateQuery,
  recheckSignal,
  recheckUpdate,
  retrySignal,
  sumsubEventSignal,
} from './messages';
import { foldReview, reviewFromEvent } from './review';

/**
 * The case's message handlers and the flags they raise for the phase loop. Handlers only record what
 * arrived; the loop decides what it means, so a message can never interleave with half a step. No message
 * carries anything the case acts on: a webhook only wakes the case to read SumSub, whose answer decides.
 */
export class CaseControl {
  recheckRequested = false;
  retryRequested = false;
  reviewChanged = false;
  /** A SumSub review event arrived since the case last read the review: read it now. */
  reviewHinted = false;
  cancelReason: string | null = null;
  /** Runs the phases; cancelling it (the `cancel` signal) interrupts any wait or activity in progress. */
  readonly work = new CancellationScope();
  /** The newest webhook time seen before the applicant was known. */
  private earlyEventAt: string | null = null;

  /**
   * @param readDecides whether this run treats webhooks as hints only (patches.ts); a run that began before
   *   still folds the review a webhook carried, as it did when it was recorded.
   */
  constructor(
    private readonly state: KycCaseState,
    private readonly readDecides: boolean,
  ) {}

  /** Registers every handler; call before the first await so no message is lost. */
  register(): void {
    const { state } = this;
    setHandler(getStateQuery, () => state);
    setHandler(recheckSignal, () => void (this.recheckRequested = true));
    setHandler(recheckUpdate, () => this.recheckNow(), {
      validator: () => {
        if (isOutcome(state.phase)) throw new Error(`the case has already ended ${state.phase}`);
      },
    });
    setHandler(retrySignal, () => void (this.retryRequested = state.phase === 'needs_attention'));
    // The input is optional in practice: the Temporal UI and CLI can signal `cancel` without one.
    setHandler(cancelSignal, (input: unknown) => {
      const reason = acceptCancel(state, input);
      if (reason === null || isOutcome(state.phase) || this.cancelReason !== null) return;
      this.cancelReason = reason || 'cancelled without a reason';
      this.work.cancel();
    });
    setHandler(sumsubEventSignal, (input: unknown) => {
      const event = acceptSumsubEvent(state, input);
      if (event === null) return;
      state.sumsubEvents += 1;
      this.takeEvent(event);
      showDetails(state);
    });
  }

  /**
   * A review event about this case's applicant (or before the applicant is known) asks for a read. Only in a
   * run that began before webhooks became hints does a signal that still carries a review fold it in.
   */
  private takeEvent(event: SumsubEventInput): void {
    const review = this.state.review;
    if (!this.readDecides && event.reviewStatus !== undefined) {
      const folded = reviewFromEvent(
        { ...event, reviewStatus: event.reviewStatus },
        new Date().toISOString(),
      );
      if (folded) this.takeReview(folded);
      return;
    }
    if (!isSumsubReviewEventType(event.type)) return;
    if (review && review.applicantId !== event.applicantId) return;
    this.reviewHinted = true;
  }

  /** Folds a review into the case when it is newer; remembers it when the applicant is not known yet. */
  takeReview(review: CaseReview): void {
    const { state } = this;
    if (state.review === null) {
      if (review.lastEventAt && review.lastEventAt > (this.earlyEventAt ?? ''))
        this.earlyEventAt = review.lastEventAt;
      return;
    }
    const folded = foldReview(state.review, review);
    if (folded === null) return;
    state.review = folded.review;
    if (folded.changed) this.reviewChanged = true;
  }

  /**
   * Called once the applicant is known from a status read. Events received before that read are already
   * reflected in it; they only set the event clock, so that anything older arriving later is ignored.
   */
  absorbEarlyEvents(): void {
    const review = this.state.review;
    if (review && this.earlyEventAt && this.earlyEventAt > (review.lastEventAt ?? '')) {
      review.lastEventAt = this.earlyEventAt;
    }
  }

  /** Looks made so far: the recheck update waits for the next one. */
  looks(): number {
    return this.state.kriptomatChecks + this.state.sumsubChecks;
  }

  /** The `recheck` update: asks for a look now and answers once it is done (or the phase moved on). */
  private async recheckNow(): Promise<KycCaseState> {
    const { state } = this;
    if (state.phase !== 'awaiting_user' && state.phase !== 'awaiting_kriptomat') return state;
    const [before, phase] = [this.looks(), state.phase];
    this.recheckRequested = true;
    await condition(() => this.looks() > before || state.phase !== phase);
    return state;
  }
}
