import type { RequestLog } from '../shared/request-log';
import type { TimerSet } from '../shared/timers';
import { WebhookPoster } from '../shared/webhook-poster';

/** The `kyc_status` values that end Kriptomat's review, and the answer its webhook gives for each. */
const ANSWERS: Record<string, 'GREEN' | 'RED'> = {
  passed: 'GREEN',
  verified: 'GREEN',
  failed: 'RED',
  declined: 'RED',
};

export interface KriptomatWebhookOptions {
  /** The partner's registered URL, which carries its secret (no signature exists): never logged. */
  url: string | null;
  /** How long the partner may take to answer one delivery. */
  timeoutMs: number;
  /** Waits before redeliveries after a failure; Kriptomat documents none, so none by default. */
  retryDelaysMs: readonly number[];
  timers: TimerSet;
  log: RequestLog;
  /** Kriptomat's own applicant id of a user (not SumSub's). */
  applicantIdOf: (userId: string) => string;
}

/**
 * Kriptomat's webhook as its Compliance page describes it: once a verification finishes, a POST of the
 * SumSub-style `applicantReviewed` JSON to the partner's URL, unsigned. Each attempt is logged with its
 * status, never the URL.
 */
export class KriptomatWebhookSender {
  /** Null when no URL is registered: nothing is sent. */
  private readonly poster: WebhookPoster | null;

  constructor(private readonly options: KriptomatWebhookOptions) {
    const { url } = options;
    this.poster = url === null ? null : new WebhookPoster({ ...options, url });
  }

  /** Announces a user's new `kyc_status` when it is a decision; returns at once, delivery is in the background. */
  decided(userId: string, kycStatus: string): void {
    const reviewAnswer = ANSWERS[kycStatus];
    if (this.poster === null || reviewAnswer === undefined || this.options.timers.isClosed) return;
    const applicantId = this.options.applicantIdOf(userId);
    const raw = JSON.stringify({
      type: 'applicantReviewed',
      applicantId,
      externalUserId: userId,
      reviewStatus: 'completed',
      reviewResult: { reviewAnswer },
      createdAtMs: new Date().toISOString().replace('T', ' ').slice(0, 23),
    });
    const record = { service: 'kriptomat' as const, type: 'applicantReviewed', userId, applicantId };
    this.poster.deliver({ raw, headers: {}, record });
  }

  /** Abandons every delivery under way. */
  abortAll(): void {
    this.poster?.abortAll();
  }
}
