import { serve } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import type { AddressInfo } from 'node:net';
import type { WebhookReceipt } from '../api/webhooks/sumsub';
import { createWebhookApp } from '../api/webhooks/webhook-app';

/**
 * The engine's own SumSub webhook receiver (the route the HTTP API mounts), on a loopback port: webhooks are
 * verified and signalled to cases exactly as in production, and while the Temporal server is down it answers
 * 503, so the SumSub simulator redelivers. Only the result of each delivery is counted, never its body.
 */
export async function startWebhookReceiver(client: Client, secret: string) {
  const receipts: Partial<Record<WebhookReceipt['result'], number>> = {};
  const app = createWebhookApp({
    client,
    sumsubWebhookSecret: secret,
    onReceipt: (receipt) => void (receipts[receipt.result] = (receipts[receipt.result] ?? 0) + 1),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    started.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/sumsub`,
    receipts,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
