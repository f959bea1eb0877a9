import type { RunningSandbox } from '../sandbox/start-sandbox';
import { startSandbox } from '../sandbox/start-sandbox';
import type { ChaosOptions } from './options';

/**
 * Both simulators with the run's faults and delays, delivering webhooks where the topology receives them:
 * SumSub's always, Kriptomat's own when the topology has an API to take them (the cluster).
 */
export function startChaosSandbox(
  options: ChaosOptions,
  webhooks: { webhookUrl: string; webhookSecret: string; kriptomatWebhookUrl?: string },
): Promise<RunningSandbox> {
  return startSandbox({
    webhookUrl: webhooks.webhookUrl,
    webhookSecret: webhooks.webhookSecret,
    ...(webhooks.kriptomatWebhookUrl && { kriptomatWebhookUrl: webhooks.kriptomatWebhookUrl }),
    reviewDelayMs: options.reviewDelayMs,
    decisionDelayMs: options.decisionDelayMs,
    faults: options.faults,
  });
}
