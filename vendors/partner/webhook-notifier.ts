import { createHmac } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import { Webhook } from 'standardwebhooks';
import type { HttpCallObserver } from '../../observability/metrics-types';
import { observeCall } from '../../observability/observe-call';
import type { PartnerEvent, PartnerWebhookFormat } from '../../domain';
import {
  PARTNER_EVENT_ID_HEADER,
  PARTNER_SIGNATURE_HEADER,
  STANDARD_WEBHOOK_HEADERS,
  partnerEventBody,
} from '../../domain';
import { classifyHttpError } from '../http/classify-error';
import { MAX_PARTNER_ANSWER_BYTES } from '../http/limits';
import type { OutboundPolicy } from '../http/outbound-policy';
import { createVendorHttp } from '../http/vendor-http';

export interface PartnerWebhookOptions {
  url: string;
  /**
   * The signing secrets, newest first: under Standard Webhooks every delivery is signed with each, so a partner
   * rolling in a new secret accepts either; the legacy header carries the first's signature only.
   */
  secrets: readonly [string, ...string[]];
  /** `standard` unless a partner integrated with the first contract keeps `legacy`. */
  format?: PartnerWebhookFormat;
  /** The total time one delivery may take, start to finish (default 10 s). */
  timeoutMs?: number;
  /** Overrides of the process's outbound policy (vendors/http/outbound-policy.ts). */
  network?: Partial<OutboundPolicy>;
  /** Told about every delivery attempt. */
  observer?: HttpCallObserver;
}

/** The endpoint name of a delivery in errors and metrics: never the URL, whose query may hold a secret. */
const ENDPOINT = 'partner webhook POST';

/** Legacy: hex HMAC-SHA256 of the exact body bytes, keyed by the shared secret, what the partner recomputes. */
export function signPartnerBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/**
 * The `webhook-signature` value of a Standard Webhooks delivery: `v1,<base64>` per secret, space-separated,
 * each an HMAC-SHA256 of `id.timestamp.body`. A `whsec_` secret is keyed by its decoded bytes, as every
 * Standard Webhooks library reads it; any other secret by its UTF-8 bytes.
 */
export function signStandardWebhook(id: string, at: Date, body: string, secrets: readonly string[]): string {
  return secrets
    .map((secret) =>
      secret.startsWith('whsec_')
        ? new Webhook(secret)
        : new Webhook(Buffer.from(secret, 'utf8'), { format: 'raw' }),
    )
    .map((signer) => signer.sign(id, at, body))
    .join(' ');
}

/**
 * POSTs case events to the partner's webhook URL, signed over the raw body. Any non-2xx answer is a failure
 * (the activity retries it until delivered), and so is a 2xx whose body outgrows `MAX_PARTNER_ANSWER_BYTES`
 * or does not end within the timeout: the partner's URL is configuration, but whoever answers there is not
 * trusted further than that. The HTTP client is the hardened one of every vendor (vendor-http.ts): no
 * redirect is followed, and the URL must be https to a public address unless its host is allowed, so it
 * cannot be pointed at this machine or the internal network. Errors name the status and endpoint, never
 * the URL's query or the secret.
 */
export class PartnerWebhookNotifier {
  private readonly http: AxiosInstance;

  constructor(private readonly options: PartnerWebhookOptions) {
    this.http = createVendorHttp({
      timeoutMs: options.timeoutMs ?? 10_000,
      maxBodyBytes: MAX_PARTNER_ANSWER_BYTES,
      network: options.network,
    });
  }

  async send(event: PartnerEvent): Promise<void> {
    const format = this.options.format ?? 'standard';
    const body = JSON.stringify(partnerEventBody(event, format));
    const { secrets } = this.options;
    const at = new Date();
    // Standard Webhooks: the timestamp is this attempt's, so a redelivery stays inside the partner's
    // tolerance window; the id is the event's, so the partner still drops the duplicate.
    const headers =
      format === 'standard'
        ? {
            'content-type': 'application/json',
            [STANDARD_WEBHOOK_HEADERS.id]: event.eventId,
            [STANDARD_WEBHOOK_HEADERS.timestamp]: String(Math.floor(at.getTime() / 1000)),
            [STANDARD_WEBHOOK_HEADERS.signature]: signStandardWebhook(event.eventId, at, body, secrets),
          }
        : {
            'content-type': 'application/json',
            [PARTNER_SIGNATURE_HEADER]: signPartnerBody(body, secrets[0]),
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
