import http from 'node:http';
import https from 'node:https';
import type { RequestLog } from '../shared/request-log';
import type { TimerSet } from '../shared/timers';

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
  private readonly inFlight = new Set<http.ClientRequest>();

  constructor(private readonly options: KriptomatWebhookOptions) {}

  /** Announces a user's new `kyc_status` when it is a decision; returns at once, delivery is in the background. */
  decided(userId: string, kycStatus: string): void {
    const reviewAnswer = ANSWERS[kycStatus];
    if (this.options.url === null || reviewAnswer === undefined || this.options.timers.isClosed) return;
    const applicantId = this.options.applicantIdOf(userId);
    const raw = JSON.stringify({
      type: 'applicantReviewed',
      applicantId,
      externalUserId: userId,
      reviewStatus: 'completed',
      reviewResult: { reviewAnswer },
      createdAtMs: new Date().toISOString().replace('T', ' ').slice(0, 23),
    });
    this.deliver(raw, { userId, applicantId }, 1);
  }

  /** Abandons every delivery under way. */
  abortAll(): void {
    for (const request of this.inFlight) request.destroy();
    this.inFlight.clear();
  }

  private deliver(raw: string, ids: { userId: string; applicantId: string }, attempt: number): void {
    void this.post(raw).then((status) => {
      const { timers, log, retryDelaysMs } = this.options;
      if (timers.isClosed) return;
      log.recordWebhook({
        service: 'kriptomat',
        type: 'applicantReviewed',
        ...ids,
        status,
        attempt,
        dropped: false,
        duplicate: false,
      });
      if (status !== null && status >= 200 && status < 300) return;
      const delay = retryDelaysMs[attempt - 1];
      if (delay !== undefined) timers.after(delay, () => this.deliver(raw, ids, attempt + 1));
    });
  }

  private post(raw: string): Promise<number | null> {
    const url = new URL(this.options.url ?? '');
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      const request = transport.request(url, {
        method: 'POST',
        agent: false,
        timeout: this.options.timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(raw) },
      });
      const settle = (status: number | null) => {
        this.inFlight.delete(request);
        resolve(status);
      };
      request.on('response', (response) => {
        response.resume();
        settle(response.statusCode ?? null);
      });
      request.on('timeout', () => request.destroy());
      request.on('error', () => settle(null));
      request.on('close', () => settle(null));
      this.inFlight.add(request);
      request.end(raw);
    });
  }
}
