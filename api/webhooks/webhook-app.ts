import type { Client } from '@temporalio/client';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { RecentDeliveries } from './recent-deliveries';
import type { WebhookReceipt } from './sumsub';
import { receiveSumsubWebhook } from './sumsub';
import { webhookHandler } from './webhook-handler';

export interface WebhookAppOptions {
  client: Client;
  sumsubWebhookSecret: string;
  /** Told about every delivery (never the body); the place for logs and metrics. */
  onReceipt?: (receipt: WebhookReceipt) => void;
  /** The bodies recently taken, so exact replays are not signalled twice; one per app by default. */
  recent?: RecentDeliveries;
}

/**
 * The webhook receiver, built as an app without a port so it can be tested with injected requests and
 * mounted into the HTTP API. It answers as soon as the signal is accepted by Temporal, well inside SumSub's
 * 5 s; if Temporal cannot be reached it answers 503 so that SumSub redelivers later. An exact replay of a
 * body it took is answered 200 `duplicate` and not signalled again.
 */
export function createWebhookApp({
  client,
  sumsubWebhookSecret,
  onReceipt,
  recent = new RecentDeliveries(),
}: WebhookAppOptions): Hono {
  const app = new Hono();
  const receive = (rawBody: Buffer, c: Context) => {
    const digest = { digest: c.req.header('x-payload-digest'), alg: c.req.header('x-payload-digest-alg') };
    return receiveSumsubWebhook(client, sumsubWebhookSecret, { rawBody, ...digest }, recent);
  };
  app.post('/webhooks/sumsub', webhookHandler<WebhookReceipt>(receive, onReceipt));
  return app;
}
