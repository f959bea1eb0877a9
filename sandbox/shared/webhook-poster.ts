import http from 'node:http';
import https from 'node:https';
import type { LoggedWebhook, RequestLog } from './request-log';
import type { TimerSet } from './timers';

export interface WebhookPosterOptions {
  /** Where webhooks go; it may carry a secret (Kriptomat's does), so it is never logged. */
  url: string;
  /** How long one delivery may take before it counts as failed. */
  timeoutMs: number;
  /** Wait before each redelivery after a failed attempt; its length is the number of retries. */
  retryDelaysMs: readonly number[];
  timers: TimerSet;
  log: RequestLog;
}

/** One webhook as a simulator sends it: the exact bytes, its own headers, and what the log records about it. */
export interface OutboundWebhook {
  raw: string;
  /** Sent after `content-type` and `content-length` (a signature, for instance). */
  headers: Record<string, string>;
  record: Pick<LoggedWebhook, 'service' | 'type' | 'userId' | 'applicantId'>;
}

/**
 * The delivery loop both simulators share: a POST of the exact bytes, redelivery after a failure (non-2xx or
 * no answer within the timeout) on the retry schedule, and one log entry per attempt. What is sent is the
 * caller's; pending retries are timers of the TimerSet, so clearing it ends them.
 */
export class WebhookPoster {
  private readonly inFlight = new Set<http.ClientRequest>();

  constructor(private readonly options: WebhookPosterOptions) {}

  /** Delivers in the background; `duplicate` marks the log entries of an injected second delivery. */
  deliver(webhook: OutboundWebhook, duplicate = false): void {
    this.attempt(webhook, 1, duplicate);
  }

  /** Abandons every delivery under way. */
  abortAll(): void {
    for (const request of this.inFlight) request.destroy();
    this.inFlight.clear();
  }

  private attempt(webhook: OutboundWebhook, attempt: number, duplicate: boolean): void {
    void this.post(webhook).then((status) => {
      const { timers, log, retryDelaysMs } = this.options;
      if (timers.isClosed) return;
      log.recordWebhook({ ...webhook.record, status, attempt, dropped: false, duplicate });
      if (status !== null && status >= 200 && status < 300) return;
      const delay = retryDelaysMs[attempt - 1];
      if (delay !== undefined) timers.after(delay, () => this.attempt(webhook, attempt + 1, duplicate));
    });
  }

  /** The receiver's status, or null when it did not answer in time or at all. */
  private post(webhook: OutboundWebhook): Promise<number | null> {
    const url = new URL(this.options.url);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      const request = transport.request(url, {
        method: 'POST',
        agent: false,
        timeout: this.options.timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(webhook.raw),
          ...webhook.headers,
        },
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
      request.end(webhook.raw);
    });
  }
}
