import type { RequestLog } from '../shared/request-log';
import type { FaultInjector } from '../shared/fault-injector';
import type { SimulatedApplicant } from './applicant-store';
import { correlationId } from './sumsub-error';
import type { TimerSet } from '../shared/timers';
import { WebhookPoster } from '../shared/webhook-poster';
import { createdAtMsOf, webhookDigest } from './webhook-signature';
import type { WebhookDigestAlg } from './webhook-signature';

/** SumSub's documented redelivery schedule: 5 s, then 5 min, 1 h, 5 h and 18 h. */
export const SUMSUB_WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [5e3, 3e5, 36e5, 18e6, 648e5];

export interface WebhookSenderOptions {
  /** Where webhooks go; null delivers nothing, so the engine must rely on polling. */
  url: string | null;
  secret: string;
  alg: WebhookDigestAlg;
  /** Whether `x-payload-digest-alg` is sent; without it a receiver must assume `HMAC_SHA256_HEX`. */
  sendAlgHeader: boolean;
  /** Wait before each redelivery after a failed attempt; its length is the number of retries. */
  retryDelaysMs: readonly number[];
  /** How long one delivery may take before it counts as failed. */
  timeoutMs: number;
  timers: TimerSet;
  faults: FaultInjector;
  log: RequestLog;
  now: () => number;
}

/**
 * The review fields of an event that is not about the KYC review (transaction monitoring, profile changes):
 * they replace the applicant's own in the body. Any other field given is added as is.
 */
export interface EventFields {
  reviewStatus?: string;
  reviewResult?: unknown;
  [extra: string]: unknown;
}

/** The documented webhook body of an applicant event: ids and review state only, no personal data. */
function webhookBody(
  type: string,
  applicant: SimulatedApplicant,
  now: number,
  event: EventFields | undefined,
): Record<string, unknown> {
  const { review } = applicant;
  const own = {
    reviewStatus: review.reviewStatus,
    ...(review.reviewStatus === 'completed' && { reviewResult: review.reviewResult }),
  };
  return {
    applicantId: applicant.id,
    inspectionId: applicant.inspectionId,
    applicantType: 'individual',
    correlationId: correlationId(),
    levelName: applicant.levelName,
    sandboxMode: true,
    externalUserId: applicant.externalUserId,
    type,
    ...(event ?? own),
    createdAtMs: createdAtMsOf(now),
  };
}

/**
 * Posts signed webhooks the way SumSub does: `x-payload-digest` over the exact bytes sent, redelivery after a
 * failure (non-2xx or no answer), and, when faults say so, lost or duplicated deliveries. Every attempt is
 * logged.
 */
export class WebhookSender {
  /** Null when there is no URL: nothing is sent. */
  private readonly poster: WebhookPoster | null;

  constructor(private readonly options: WebhookSenderOptions) {
    const { url } = options;
    this.poster = url === null ? null : new WebhookPoster({ ...options, url });
  }

  /** Whether webhooks go anywhere at all. */
  get enabled(): boolean {
    return this.poster !== null;
  }

  /**
   * Sends one event about `applicant`, carrying its KYC review unless `event` gives other review fields;
   * returns at once, deliveries happen in the background.
   */
  send(type: string, applicant: SimulatedApplicant, event?: EventFields): void {
    if (this.poster === null || this.options.timers.isClosed) return;
    const raw = JSON.stringify(webhookBody(type, applicant, this.options.now(), event));
    const record = {
      service: 'sumsub' as const,
      type,
      userId: applicant.externalUserId,
      applicantId: applicant.id,
    };
    const { drop, duplicate } = this.options.faults.drawWebhookFault();
    if (drop) {
      this.options.log.recordWebhook({
        ...record,
        status: null,
        attempt: 1,
        dropped: true,
        duplicate: false,
      });
      return;
    }
    const { alg, secret, sendAlgHeader } = this.options;
    const headers = {
      'x-payload-digest': webhookDigest(raw, alg, secret),
      ...(sendAlgHeader && { 'x-payload-digest-alg': alg }),
    };
    this.poster.deliver({ raw, headers, record });
    if (duplicate) this.poster.deliver({ raw, headers, record }, true);
  }

  /** Abandons every delivery under way (the timers of pending retries are the TimerSet's). */
  abortAll(): void {
    this.poster?.abortAll();
  }
}
