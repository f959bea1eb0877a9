import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { SumsubClient } from '../../vendors/sumsub/client';
import type { SumsubClientOptions } from '../../vendors/sumsub/client';

/** Credentials the SumSub tests share; obviously fake, and distinctive so leak checks can search for them. */
export const SUMSUB_APP_TOKEN = 'sbx:app-token-DO-NOT-LEAK-7f3a';
export const SUMSUB_SECRET = 'secret-key-DO-NOT-LEAK-91c2';
export const WEBHOOK_SECRET = 'webhook-secret-DO-NOT-LEAK-55d0';

/** A SumSub client of `baseUrl` with the shared test credentials; `options` override any setting. */
export function sumsubClient(baseUrl: string, options: Partial<SumsubClientOptions> = {}): SumsubClient {
  return new SumsubClient({ baseUrl, appToken: SUMSUB_APP_TOKEN, secretKey: SUMSUB_SECRET, ...options });
}

/** One webhook as a receiver got it: the raw bytes and the headers, before any parsing. */
export interface ReceivedWebhook {
  raw: Buffer;
  headers: http.IncomingHttpHeaders;
  /** The status the receiver answered with. */
  status: number;
}

/**
 * A small local webhook receiver. `answer` picks the status of each delivery (default 200), so tests can make
 * it fail a few times and see SumSub's redelivery.
 */
export async function startWebhookReceiver(answer: (index: number) => number = () => 200) {
  const received: ReceivedWebhook[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = answer(received.length);
      received.push({ raw: Buffer.concat(chunks), headers: req.headers, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/sumsub`,
    received,
    /** The parsed bodies received so far. */
    bodies: () =>
      received.map((webhook) => JSON.parse(webhook.raw.toString('utf8')) as Record<string, unknown>),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `check` (which may be async) until it returns something truthy, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A request sent by hand, outside the client, with control over what is signed and what is sent. */
export interface RawSumsubRequest {
  method: 'GET' | 'POST';
  path: string;
  /** The body bytes sent. */
  body?: string;
  /** The body bytes signed, when a test wants them to differ from those sent. */
  signedBody?: string;
  /** The method as signed, when a test wants it to differ from the one sent. */
  signedMethod?: string;
  /** Overrides of the three auth headers. */
  headers?: Record<string, string>;
  nowMs?: number;
}

/**
 * Sends a hand-made request to the simulator and returns the status and parsed JSON answer. It signs on its
 * own, without the client's code, so it can also sign wrongly on purpose.
 */
export async function sendRaw(baseUrl: string, request: RawSumsubRequest) {
  const ts = String(Math.floor((request.nowMs ?? Date.now()) / 1000));
  const signedBody = request.signedBody ?? request.body ?? '';
  const signed = {
    'X-App-Token': SUMSUB_APP_TOKEN,
    'X-App-Access-Ts': ts,
    'X-App-Access-Sig': createHmac('sha256', SUMSUB_SECRET)
      .update(`${ts}${request.signedMethod ?? request.method}${request.path}${signedBody}`)
      .digest('hex'),
  };
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method,
    body: request.body,
    headers: {
      ...signed,
      ...(request.body !== undefined && { 'content-type': 'application/json' }),
      ...request.headers,
    },
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : null) as unknown,
  };
}
