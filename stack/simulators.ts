/**
 * The Kriptomat and SumSub simulators wired to an engine's API, as `npm start` and `npm run cluster` run them:
 * the vendors' webhooks go to the API (or the balancer in front of its replicas).
 */
import type { RunningSandbox } from '../sandbox/start-sandbox';
import { startSandbox } from '../sandbox/start-sandbox';
import type { Stack } from './stack';

/** Kriptomat's webhook URL at the API: the token is its credential (docs/vendor-apis.md, "Kriptomat webhook"). */
export function kriptomatWebhookUrl(apiUrl: string, token: string): string {
  return `${apiUrl}/webhooks/kriptomat/${token}`;
}

/**
 * Starts both simulators: SumSub delivers its webhooks to the API's `/webhooks/sumsub`, Kriptomat its own to
 * `/webhooks/kriptomat/<KRIPTOMAT_WEBHOOK_TOKEN>`.
 */
export async function startSimulators(
  stack: Stack,
  apiUrl: string,
  ports: { kriptomat: number; sumsub: number },
  kriptomatWebhookToken: string,
): Promise<RunningSandbox> {
  const sandbox = await startSandbox({
    webhookUrl: `${apiUrl}/webhooks/sumsub`,
    kriptomatWebhookUrl: kriptomatWebhookUrl(apiUrl, kriptomatWebhookToken),
    reviewDelayMs: 3000,
    decisionDelayMs: 2000,
    kriptomatPort: ports.kriptomat,
    sumsubPort: ports.sumsub,
  });
  stack.onStop('the simulators', () => sandbox.close());
  return sandbox;
}
