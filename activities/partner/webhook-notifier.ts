import { createHmac } from 'node:crypto';
import axios from 'axios';
import type { AxiosInstance } from 'axios';
import type { HttpCallObserver } from '../../observability/metrics-types';
import { observeCall } from '../../observability/observe-call';
import type { PartnerEvent } from '../contract';
import { classifyHttpError } from '../http/classify-error';

/** Headers of a partner notification: the HMAC lets the partner trust the body, the id drops duplicates. */
export const PARTNER_SIGNATURE_HEADER = 'x-kyc-signature';
export const PARTNER_EVENT_ID_HEADER = 'x-kyc-event-id';

export interface PartnerWebhookOptions {
  url: string;
  secret: string;
  timeoutMs?: number;
  /** Told about every delivery attempt. */
  observer?: HttpCallObserver;
}

/** The endpoint name of a delivery in errors and metrics: never the URL, whose query may hold a secret. */
const ENDPOINT = 'partner webhook POST';

/** Hex HMAC-SHA256 of the exact body bytes, keyed by the shared secret: what the partner recomputes. */
export function signPartnerBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/**
 * POSTs case events to the partner's webhook URL, signed over the raw body. Any non-2xx answer is a failure
 * (the activity retries it until delivered). Errors name the status and endpoint, never the URL's query or
 * the secret.
 */
export class PartnerWebhookNotifier {
  private readonly http: AxiosInstance;

  constructor(private readonly options: PartnerWebhookOptions) {
    this.http = axios.create({ timeout: options.timeoutMs ?? 10_000 });
  }

  async send(event: PartnerEvent): Promise<void> {
    const body = JSON.stringify(event);
    const headers = {
      'content-type': 'application/json',
      [PARTNER_SIGNATURE_HEADER]: signPartnerBody(body, this.options.secret),
      [PARTNER_EVENT_ID_HEADER]: event.eventId,
    };
    try {
      await observeCall(this.options.observer, { vendor: 'partner', endpoint: ENDPOINT }, () =>
        // The signed bytes are the bytes sent: no re-serialisation.
        this.http.post(this.options.url, body, { headers, transformRequest: [(data: unknown) => data] }),
      );
    } catch (error) {
      throw classifyHttpError(error, ENDPOINT);
    }
  }
}
