import { serve } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import { createWebhookApp } from '../client/webhook-app';
import { log } from './start-support';

/**
 * Serves the SumSub webhook receiver for `npm start` on loopback, logging each delivery's outcome (type and
 * user id only: webhooks carry no personal data). The full HTTP API mounts the same app.
 */
export async function serveWebhooks(client: Client, secret: string, port: number) {
  const app = createWebhookApp({
    client,
    sumsubWebhookSecret: secret,
    onReceipt: (receipt) => {
      const about = 'userId' in receipt ? ` ${receipt.type} for ${receipt.userId}` : ` (${receipt.reason})`;
      log(`SumSub webhook: ${receipt.result}${about}`);
    },
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(started));
  });
  return {
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
