import type { Payload } from '@temporalio/common';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { startApiServer } from '../../client/api/api-process';
import type { RunningHttpServer } from '../../client/api/serve-app';
import { connectKycClient } from '../../client/temporal-connection';
import { codecFromConfig } from '../../codec';
import { loadApiConfig, loadWorkerConfig } from '../../config';
import { createLogger } from '../../observability/logger';
import type { RunningSandbox, SandboxOptions } from '../../sandbox/start-sandbox';
import { startSandbox } from '../../sandbox/start-sandbox';
import { createKycWorker } from '../../worker/create-worker';
import { TEST_CODEC_CONFIG, TEST_CODEC_ENV } from './codec';
import { historyAsText } from './history';
import { runInBackground, startTestTemporal, testWorkflowSource, uniqueTaskQueue } from './temporal';

/** What `api()` answers: the status, the headers and the parsed JSON body (null when there is none). */
export interface ApiAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

const secret = () => randomBytes(18).toString('base64url');

/** A port free on the loopback interface right now (the SumSub simulator must be reachable before it runs). */
async function freeLoopbackPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

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
export async function startApiEngine(name: string, sandboxOptions: ApiEngineSandboxOptions = {}) {
  const env = await startTestTemporal();
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
  const logLines: string[] = [];
  const logger = createLogger({
    service: 'api-test',
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  });

  // The API needs SumSub's URL when it starts and the simulator needs the API's for its webhooks: the
  // simulator's port is chosen first, and the pair is started again should something else bind it meanwhile.
  let started: {
    api: RunningHttpServer;
    sandbox: RunningSandbox;
    client: Client;
  };
  for (let attempt = 1; ; attempt++) {
    const sumsubPort = await freeLoopbackPort();
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
        KYC_POLL_SCHEDULE: '1s',
        KYC_REVIEW_POLL_INTERVAL: '1h',
      }),
      // serveApp binds a free port for 0, but the configuration schema accepts only 1-65535.
      KYC_API_PORT: 0,
    };
    // The API's own client, built from its configuration as the API process builds it (codec included).
    const client = await connectKycClient(apiConfig);
    const api = await startApiServer(apiConfig, { client, logger });
    try {
      const sandbox = await startSandbox({
        reviewDelayMs: 300,
        decisionDelayMs: 1000,
        ...sandboxOptions,
        webhookUrl: `${api.url}/webhooks/sumsub`,
        webhookSecret,
        sumsubPort,
        credentials: { ...sandboxOptions.credentials, sumsubAppToken, sumsubSecretKey },
      });
      started = { api, sandbox, client };
      break;
    } catch (error) {
      await api.close();
      await client.connection.close();
      if (!isAddressInUse(error) || attempt >= 3) {
        await env.teardown();
        throw error;
      }
    }
  }
  const { api, sandbox, client } = started;

  const workerConfig = loadWorkerConfig({ ...sandbox.workerEnv, ...TEST_CODEC_ENV, ...temporalEnv });
  const stopWorker = runInBackground(
    await createKycWorker(env.nativeConnection, workerConfig, testWorkflowSource()),
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
    env,
    client,
    sandbox,
    apiUrl: api.url,
    apiToken,
    /** The secret SumSub signs webhooks with (the API's `SUMSUB_WEBHOOK_SECRET`). */
    webhookSecret,
    taskQueue,
    api: call,
    /** Everything the API logged so far. */
    logs: () => logLines.join(''),
    stop: async () => {
      await api.close();
      await stopWorker();
      await sandbox.close();
      await client.connection.close();
      await env.teardown();
    },
  };
}

export type ApiEngine = Awaited<ReturnType<typeof startApiEngine>>;

/**
 * A workflow's history as searchable text with every payload decrypted by the test key: the raw history
 * holds only ciphertext, so a leak check on it alone would pass whatever the workflow recorded.
 */
export async function decryptedHistoryText(handle: WorkflowHandle): Promise<string> {
  const history = await handle.fetchHistory();
  const payloads: Payload[] = [];
  const collect = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
    const record = value as Record<string, unknown>;
    if (record.data instanceof Uint8Array && typeof record.metadata === 'object') payloads.push(record);
    for (const child of Object.values(record)) collect(child);
  };
  collect(history);
  const decoded = await codecFromConfig(TEST_CODEC_CONFIG).decode(payloads);
  const plain = decoded.map((payload) => Buffer.from(payload.data ?? []).toString('utf8'));
  return [historyAsText(history), ...plain].join('\n');
}
