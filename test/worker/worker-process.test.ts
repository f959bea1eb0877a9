import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type http from 'node:http';
import { startOrJoinCase } from '../../client/kyc-cases';
import type { RunningSandbox } from '../../sandbox/start-sandbox';
import { startSandbox } from '../../sandbox/start-sandbox';
import { codecClient, TEST_CODEC_ENV } from '../helpers/codec';
import { freePort } from '../helpers/ports';
import { eventually, startTestTemporal, uniqueTaskQueue } from '../helpers/temporal';
import type { ProxyReply } from './vendor-proxy';
import { startVendorProxy } from './vendor-proxy';
import type { ServiceProcess } from '../helpers/service-process';
import { spawnWorker } from '../helpers/service-process';

/**
 * The worker as a production process (`node --import tsx worker/main.ts`) against a real dev server and the
 * simulators: its /metrics, its logs, a case it runs, how it stops, and how it refuses a bad configuration.
 * Kriptomat is reached through a proxy that can fail or hold a call, which the simulator never does.
 */
const SHOW_USER = 'Kriptomat GET /api/v1/partners/users/{userId}';
/** What a careless vendor error page might echo: none of it may reach the worker's logs. */
const ECHOED = {
  email: 'leaky.user.4821@example.invalid',
  name: 'Quentin Leakworth',
  phone: '+386 40 777 123',
};

let env: TestWorkflowEnvironment;
let sandbox: RunningSandbox;
let proxy: Awaited<ReturnType<typeof startVendorProxy>>;
let client: Client;
let worker: ServiceProcess;
let baseEnv: Record<string, string>;
let metricsUrl: string;
const taskQueue = uniqueTaskQueue('worker-process');
const failuresLeft = new Map<string, number>();
let held: { release: () => void } | undefined;

/** `passed-leaky-*` users: Kriptomat answers 500 twice, echoing personal data. `passed-slow-*`: held. */
async function intercept(req: http.IncomingMessage): Promise<ProxyReply | undefined> {
  const url = req.url ?? '';
  if (url.includes('/users/passed-leaky-')) {
    const left = failuresLeft.get(url) ?? 2;
    failuresLeft.set(url, left - 1);
    if (left > 0) {
      return {
        status: 500,
        body: JSON.stringify({ message: `lookup failed for ${ECHOED.email}`, ...ECHOED }),
      };
    }
  }
  if (url.includes('/users/passed-slow-')) await new Promise<void>((release) => (held = { release }));
  return undefined;
}

async function scrape(): Promise<string> {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

let count = 0;
const userOf = (scenario: string) => `${scenario}-${Date.now()}-${++count}`;

beforeAll(async () => {
  env = await startTestTemporal();
  client = codecClient(env);
  sandbox = await startSandbox({ webhookUrl: null, reviewDelayMs: 300, decisionDelayMs: 500 });
  proxy = await startVendorProxy(sandbox.kriptomat.url, intercept);
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  baseEnv = {
    ...sandbox.workerEnv,
    ...TEST_CODEC_ENV,
    KRIPTOMAT_BASE_URL: proxy.url,
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    KYC_METRICS_PORT: String(port),
    KYC_METRICS_HOST: '127.0.0.1',
  };
  worker = spawnWorker(baseEnv);
  await eventually(() => worker.logs().find((line) => line.msg === 'worker polling'), 45_000);
});

afterAll(async () => {
  worker?.kill('SIGKILL');
  held?.release();
  await proxy?.close();
  await sandbox?.close();
  await env?.teardown();
});

describe('the worker process', () => {
  it('runs a case through SumSub to its outcome', async () => {
    const handle = await startOrJoinCase(client, userOf('onboard'), {
      taskQueue,
      timings: { reviewPollInterval: '1s', pollSchedule: ['1s'], jitter: 0 },
    });
    expect((await handle.result()).outcome).toBe('approved');
  });

  it("serves the SDK's temporal_ series and its own kyc_ series on one /metrics", async () => {
    const text = await scrape();
    expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
    expect(text).toMatch(/^temporal_activity_execution_latency_bucket\{/m);
    expect(text).toMatch(
      /^kyc_partner_requests_total\{vendor="sumsub",endpoint="SumSub POST \/resources\/applicants",status="2\d\d"\} 1$/m,
    );
    expect(text).toMatch(
      /^kyc_partner_request_duration_seconds_count\{vendor="kriptomat",endpoint="Kriptomat /m,
    );
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).not.toContain('Temporal SDK metrics skipped');
  });

  it('logs a vendor failure without the personal data its body echoed, and counts it', async () => {
    const handle = await startOrJoinCase(client, userOf('passed-leaky'), { taskQueue });
    expect((await handle.result()).outcome).toBe('approved');

    const failures = worker.logs().filter((line) => line.msg === 'Activity failed');
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(failures)).toContain(SHOW_USER); // the operator sees which call failed, and how
    expect(JSON.stringify(failures)).toContain('vendor unavailable');
    for (const value of Object.values(ECHOED)) expect(worker.output()).not.toContain(value);
    const failed = new RegExp(
      `^kyc_partner_requests_total\\{vendor="kriptomat",endpoint="${escape(SHOW_USER)}",status="500"\\} (\\d+)$`,
      'm',
    );
    expect(Number(failed.exec(await scrape())?.[1])).toBeGreaterThanOrEqual(2);
  });

  it('refuses a configuration without KRIPTOMAT_BASE_URL: exit 1, the variable named, no stack', async () => {
    const { KRIPTOMAT_BASE_URL: _, ...incomplete } = baseEnv;
    const misconfigured = spawnWorker({ ...incomplete, KYC_METRICS_PORT: String(await freePort()) });
    expect(await misconfigured.exited).toEqual({ code: 1, signal: null });
    expect(misconfigured.output()).toContain('KRIPTOMAT_BASE_URL');
    expect(misconfigured.output()).not.toMatch(/^\s+at /m);
  });

  it('on SIGTERM stops polling, finishes the activity in flight, closes /metrics and exits 0', async () => {
    const handle = await startOrJoinCase(client, userOf('passed-slow'), { taskQueue });
    await eventually(() => held);
    worker.kill('SIGTERM');
    await eventually(() => worker.logs().find((line) => line.signal === 'SIGTERM'));
    held?.release();

    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.logs().map((line) => line.msg)).toContain('worker stopped');
    const events = (await handle.fetchHistory()).events ?? [];
    // The Kriptomat read runs as a local activity: its completion is the marker the worker recorded.
    const finished = events.filter(
      (event) =>
        event.activityTaskCompletedEventAttributes ||
        event.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    );
    expect(finished.length).toBeGreaterThan(0);
    await expect(fetch(metricsUrl)).rejects.toThrow();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
