import { serve } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { KycCaseHandle } from '../../client/kyc-cases';
import { startOrJoinCase } from '../../client/kyc-cases';
import type { WebhookReceipt } from '../../api/webhooks/sumsub';
import { createWebhookApp } from '../../api/webhooks/webhook-app';
import type { CaseTimings } from '../../domain';
import type { SandboxOptions } from '../../sandbox/start-sandbox';
import { startSandbox } from '../../sandbox/start-sandbox';
import { loadWorkerConfig } from '../../config';
import { Stack } from '../../stack/stack';
import { createKycWorker } from '../../worker/create-worker';
import { codecClient, TEST_CODEC_ENV } from './codec';
import { runInBackground, startTestTemporal, testWorkflowSource, uniqueTaskQueue } from './temporal';

/** A test engine's parts, stopped in reverse order; a part that fails to stop is shown, not thrown. */
export function testEngineStack(): Stack {
  return new Stack({
    log: () => undefined,
    reports: { failed: (part, error) => console.error(`while stopping ${part}:`, error) },
  });
}

/**
 * The engine on the sandbox, as `npm start` runs it: a real dev server, the real worker and activities
 * talking HTTP to both simulators, and the SumSub webhook receiver signalling cases.
 */
export async function startSandboxEngine(name: string, sandboxOptions: Partial<SandboxOptions> = {}) {
  const stack = testEngineStack();
  try {
    return await startParts(stack, name, sandboxOptions);
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

async function startParts(stack: Stack, name: string, sandboxOptions: Partial<SandboxOptions>) {
  const env = await startTestTemporal();
  stack.onStop('the Temporal test environment', () => env.teardown());
  // The worker encrypts payloads, as in production, so the engine's client must hold the same key.
  const client = codecClient(env);
  const receipts: WebhookReceipt[] = [];
  const sumsubWebhookSecret = randomBytes(18).toString('base64url');
  const app = createWebhookApp({
    client,
    sumsubWebhookSecret,
    onReceipt: (receipt) => receipts.push(receipt),
  });
  const receiver = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(server));
  });
  stack.onStop('the webhook receiver', () => new Promise((resolve) => receiver.close(resolve)));
  const { port } = receiver.address() as AddressInfo;
  const sandbox = await startSandbox({
    webhookUrl: `http://127.0.0.1:${port}/webhooks/sumsub`,
    webhookSecret: sumsubWebhookSecret,
    reviewDelayMs: 300,
    decisionDelayMs: 1000,
    ...sandboxOptions,
  });
  stack.onStop('the simulators', () => sandbox.close());
  const taskQueue = uniqueTaskQueue(name);
  const config = loadWorkerConfig({
    ...sandbox.workerEnv,
    ...TEST_CODEC_ENV,
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
  });
  stack.onStop(
    'the worker',
    runInBackground(await createKycWorker(env.nativeConnection, config, testWorkflowSource())),
  );

  return {
    env,
    client,
    sandbox,
    receipts,
    config,
    start: (userId: string, timings: Partial<CaseTimings> = {}): Promise<KycCaseHandle> =>
      startOrJoinCase(client, userId, { taskQueue, timings }),
    stop: () => stack.stop(),
  };
}

export type SandboxEngine = Awaited<ReturnType<typeof startSandboxEngine>>;
