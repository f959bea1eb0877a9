import type { Client } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { startApiServer } from '../../api/api-process';
import type { RunningHttpServer } from '../../api/serve-app';
import { connectKycClient } from '../../client/temporal-connection';
import { loadApiConfig, loadWorkerConfig } from '../../config';
import type { RunningSandbox, SandboxOptions } from '../../sandbox/start-sandbox';
import { startSandbox } from '../../sandbox/start-sandbox';
import type { Stack } from '../../stack/stack';
import { createKycWorker } from '../../worker/create-worker';
import { TEST_CODEC_ENV } from './codec';
import { memoryLogger } from './memory-logger';
import { freePort } from './ports';
import { testEngineStack } from './sandbox-engine';
import { runInBackground, startTestTemporal, testWorkflowSource, uniqueTaskQueue } from './temporal';

/** What `api()` answers: the status, the headers and the parsed JSON body (null when there is none). */
export interface ApiAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

const secret = () => randomBytes(18).toString('base64url');

/** Sandbox settings a test may choose; the wiring between the simulators and the API is the engine's. */
export type ApiEngineSandboxOptions = Partial<
  Omit<SandboxOptions, 'webhookUrl' | 'webhookSecret' | 'sumsubPort' | 'host'>
>;

const isAddressInUse = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE';

/**
 * The engine as deployed, on a real dev server: the real worker, both simulators, and the real HTTP API
 * (`startApiServer`, the API process's own wiring) on a free loopback port. The partner talks to `apiUrl`;
 * SumSub's signed webhooks reach the cases through the API's `/webhooks/sumsub`, as in production.
 */
export async function startApiEngine(
  name: string,
  sandboxOptions: ApiEngineSandboxOptions = {},
  /** More of the API's environment (`KRIPTOMAT_WEBHOOK_TOKEN`, `KYC_CODEC_TOKEN`, ...). */
  apiEnv: Record<string, string> = {},
  /** Changes to the worker's environment; `undefined` removes a variable (e.g. the static Kriptomat token). */
  workerEnv: Record<string, string | undefined> = {},
) {
  const stack = testEngineStack();
  try {
    return await startParts(stack, name, sandboxOptions, apiEnv, workerEnv);
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

async function startParts(
  stack: Stack,
  name: string,
  sandboxOptions: ApiEngineSandboxOptions,
  apiEnv: Record<string, string>,
  workerEnv: Record<string, string | undefined>,
) {
  const env = await startTestTemporal();
  stack.onStop('the Temporal test environment', () => env.teardown());
  const taskQueue = uniqueTaskQueue(name);
  const temporalEnv = {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
  };
  const apiToken = `partner-${secret()}`;
  const webhookSecret = secret();
  const sumsubAppToken = `sbx:${secret()}`;
  const sumsubSecretKey = secret();
  const apiLogs = memoryLogger({ service: 'api-test', level: 'info' });

  // The API needs SumSub's URL when it starts and the simulator needs the API's for its webhooks: the
  // simulator's port (free on the loopback interface right now) is chosen first, and the pair is started again should something else bind it meanwhile.
  let started: {
    api: RunningHttpServer;
    sandbox: RunningSandbox;
    client: Client;
  };
  for (let attempt = 1; ; attempt++) {
    const sumsubPort = await freePort();
    const apiConfig = {
      ...loadApiConfig({
        ...TEST_CODEC_ENV,
        ...temporalEnv,
        KYC_API_HOST: '127.0.0.1',
        KYC_API_TOKEN: apiToken,
        SUMSUB_WEBHOOK_SECRET: webhookSecret,
        SUMSUB_BASE_URL: `http://127.0.0.1:${sumsubPort}`,
        SUMSUB_APP_TOKEN: sumsubAppToken,
        SUMSUB_SECRET_KEY: sumsubSecretKey,
        // New cases decide in seconds: Kriptomat is polled every second, SumSub reports by webhook only.
        KYC_READ_SCHEDULE: '1s',
        KYC_REVIEW_READ_INTERVAL: '1h',
        ...apiEnv,
      }),
      // serveApp binds a free port for 0, but the configuration schema accepts only 1-65535.
      KYC_API_PORT: 0,
    };
    // The API's own client, built from its configuration as the API process builds it (codec included).
    const client = await connectKycClient(apiConfig);
    const api = await startApiServer(apiConfig, { client, logger: apiLogs.logger });
    try {
      const sandbox = await startSandbox({
        reviewDelayMs: 300,
        decisionDelayMs: 1000,
        ...sandboxOptions,
        webhookUrl: `${api.url}/webhooks/sumsub`,
        webhookSecret,
        // Kriptomat's own webhook, when the API takes one: the URL carries the API's secret token.
        ...(apiEnv.KRIPTOMAT_WEBHOOK_TOKEN && {
          kriptomatWebhookUrl: `${api.url}/webhooks/kriptomat/${apiEnv.KRIPTOMAT_WEBHOOK_TOKEN}`,
        }),
        sumsubPort,
        credentials: { ...sandboxOptions.credentials, sumsubAppToken, sumsubSecretKey },
      });
      started = { api, sandbox, client };
      break;
    } catch (error) {
      await api.close();
      await client.connection.close();
      if (!isAddressInUse(error) || attempt >= 3) throw error;
    }
  }
  const { api, sandbox, client } = started;
  stack.onStop("the API's client", () => client.connection.close());
  stack.onStop('the API', () => api.close());
  stack.onStop('the simulators', () => sandbox.close());

  const merged = { ...sandbox.workerEnv, ...TEST_CODEC_ENV, ...temporalEnv, ...workerEnv };
  const workerConfig = loadWorkerConfig(
    Object.fromEntries(
      Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ),
  );
  stack.onStop(
    'the worker',
    runInBackground(await createKycWorker(env.nativeConnection, workerConfig, testWorkflowSource())),
  );

  /** One call as a partner's backend makes it: bearer token, JSON in and out. */
  async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiAnswer<T>> {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiToken}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : null) as T,
    };
  }

  return {
    client,
    sandbox,
    /** The worker's task queue, for cases a test starts with its own timings. */
    taskQueue,
    apiUrl: api.url,
    apiToken,
    /** The secret SumSub signs webhooks with (the API's `SUMSUB_WEBHOOK_SECRET`). */
    webhookSecret,
    api: call,
    /** Everything the API logged so far. */
    logs: apiLogs.text,
    stop: () => stack.stop(),
  };
}

export type ApiEngine = Awaited<ReturnType<typeof startApiEngine>>;
