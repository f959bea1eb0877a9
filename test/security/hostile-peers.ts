import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resetOutboundPolicy } from '../../vendors/http/outbound-policy';

/**
 * Hostile HTTP peers for the outbound-network rows of test/security: each a bare `node:http` server on a
 * loopback address, scripted by the test that uses it (redirecting, trickling, endless, lying), so the tests do
 * not depend on the simulators. Nothing here ever listens on or dials an address outside 127.0.0.0/8.
 */

/** One request as it arrived, before any parsing: what a leak check searches. */
export interface Arrival {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface HostilePeer {
  /** `http://<host>:<port>`. */
  url: string;
  host: string;
  port: number;
  /** Every request that arrived, in order. */
  arrivals: Arrival[];
  /** TCP connections accepted, whether or not a request followed (a refusal must open none). */
  connections(): number;
  /** Everything that arrived (request lines, headers and bodies) as one text, for leak checks. */
  everythingReceived(): string;
  close(): Promise<void>;
}

/**
 * Starts a peer on `host` (default 127.0.0.1; 127.0.0.2 plays "another host"). `answer` is called once the
 * request's body has arrived and owns the response: it may end it, trickle it, or never end it.
 */
export async function startPeer(
  answer: (req: http.IncomingMessage, res: http.ServerResponse, arrival: Arrival) => void,
  host = '127.0.0.1',
): Promise<HostilePeer> {
  const arrivals: Arrival[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const arrival = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      arrivals.push(arrival);
      answer(req, res, arrival);
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    host,
    port,
    arrivals,
    connections: () => connections,
    everythingReceived: () =>
      arrivals
        .map((a) => `${a.method} ${a.url}\n${JSON.stringify(a.headers)}\n${a.body.toString('utf8')}`)
        .join('\n'),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A JSON answer. */
export function json(res: http.ServerResponse, status: number, body: unknown, headers = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/**
 * Sets `KYC_ALLOW_INSECURE_HOSTS` for the clients constructed while it is set (they read it when created),
 * and restores the previous value after `run`.
 */
export async function withAllowedHosts<T>(hosts: string | undefined, run: () => Promise<T>): Promise<T> {
  const previous = process.env.KYC_ALLOW_INSECURE_HOSTS;
  if (hosts === undefined) delete process.env.KYC_ALLOW_INSECURE_HOSTS;
  else process.env.KYC_ALLOW_INSECURE_HOSTS = hosts;
  resetOutboundPolicy();
  try {
    return await run();
  } finally {
    if (previous === undefined) delete process.env.KYC_ALLOW_INSECURE_HOSTS;
    else process.env.KYC_ALLOW_INSECURE_HOSTS = previous;
    resetOutboundPolicy();
  }
}

/** What `promise` settled with: the value, or the rejection reason, whichever; never throws. */
export async function settled(promise: Promise<unknown>): Promise<{ ok: boolean; value: unknown }> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (value: unknown) => ({ ok: false, value }),
  );
}

/** The text of a rejection reason, whatever it is. */
export const messageOf = (reason: unknown): string =>
  reason instanceof Error ? reason.message : String(reason);

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
