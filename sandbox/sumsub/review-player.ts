import { scenarioForUser } from '../scenarios';
import type { SandboxEvent, SandboxReview } from '../scenarios';
import type { TimerSet } from '../shared/timers';
import type { ApplicantStore, SimulatedApplicant } from './applicant-store';
import type { ReviewResult } from './review';
import type { WebhookSender } from './webhook-sender';

export interface ReviewPlayerOptions {
  store: ApplicantStore;
  webhooks: WebhookSender;
  timers: TimerSet;
  /** The wait before each step: the user submitting, and SumSub deciding. */
  delayMs: number;
}

const RESULTS: Record<SandboxReview, ReviewResult> = {
  GREEN: { reviewAnswer: 'GREEN', rejectLabels: [] },
  'RED+RETRY': { reviewAnswer: 'RED', rejectLabels: ['UNSATISFACTORY_PHOTOS'], reviewRejectType: 'RETRY' },
  'RED+FINAL': { reviewAnswer: 'RED', rejectLabels: ['FORGERY'], reviewRejectType: 'FINAL' },
  RED: { reviewAnswer: 'RED', rejectLabels: ['ADDITIONAL_DOCUMENT_REQUIRED'] },
};

/**
 * Plays each applicant's scenario: after a delay the user submits (`pending`, `applicantPending` webhook),
 * after another SumSub decides the next review (`completed`, `applicantReviewed` webhook). A RED+RETRY is
 * followed by a resubmission and the next review; a RED without a reject type by the next review directly.
 * While a review is pending, the scenario's other events (KYT, profile changes) arrive between submission
 * and decision. A review decided by hand ends the script: from then on a person is in charge.
 */
export class ReviewPlayer {
  private readonly scripts = new Map<string, { remaining: SandboxReview[]; cancel: () => void }>();

  constructor(private readonly options: ReviewPlayerOptions) {}

  /** Announces a new applicant and starts its scenario (none for users who never finish on their own). */
  begin(applicant: SimulatedApplicant): void {
    this.options.webhooks.send('applicantCreated', applicant);
    const remaining = [...scenarioForUser(applicant.externalUserId).reviews];
    if (remaining.length === 0) return;
    this.scripts.set(applicant.id, { remaining, cancel: () => {} });
    this.next(applicant.id, () => this.submit(applicant.id));
  }

  /** The sandbox `testCompleted` call: applies `result` now and stops the applicant's script. */
  decideByHand(applicantId: string, result: ReviewResult): SimulatedApplicant | undefined {
    this.scripts.get(applicantId)?.cancel();
    this.scripts.delete(applicantId);
    return this.decide(applicantId, result);
  }

  private submit(applicantId: string): void {
    const applicant = this.options.store.submit(applicantId);
    if (!applicant) return;
    this.options.webhooks.send('applicantPending', applicant);
    this.sendEventsWhilePending(applicant);
    this.next(applicantId, () => this.completeNext(applicantId));
  }

  /** Spread over the wait before the decision, in order, each only while the review is still pending. */
  private sendEventsWhilePending(applicant: SimulatedApplicant): void {
    const events = scenarioForUser(applicant.externalUserId).eventsWhilePending ?? [];
    events.forEach((event: SandboxEvent, index) => {
      const at = (this.options.delayMs * (index + 1)) / (events.length + 1);
      this.options.timers.after(at, () => {
        const now = this.options.store.get(applicant.id);
        if (now?.review.reviewStatus !== 'pending') return;
        const { type, ...fields } = event;
        this.options.webhooks.send(type, now, fields);
      });
    });
  }

  private completeNext(applicantId: string): void {
    const script = this.scripts.get(applicantId);
    const review = script?.remaining.shift();
    if (!script || !review) return;
    this.decide(applicantId, RESULTS[review]);
    if (script.remaining.length === 0) {
      this.scripts.delete(applicantId);
    } else if (review === 'RED+RETRY') {
      this.next(applicantId, () => this.submit(applicantId));
    } else if (review === 'RED') {
      this.next(applicantId, () => this.completeNext(applicantId));
    } else {
      this.scripts.delete(applicantId);
    }
  }

  private decide(applicantId: string, result: ReviewResult): SimulatedApplicant | undefined {
    const applicant = this.options.store.complete(applicantId, result);
    if (applicant) this.options.webhooks.send('applicantReviewed', applicant);
    return applicant;
  }

  private next(applicantId: string, step: () => void): void {
    const script = this.scripts.get(applicantId);
    if (script) script.cancel = this.options.timers.after(this.options.delayMs, step);
  }
}
