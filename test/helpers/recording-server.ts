import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resetOutboundPolicy } from '../../vendors/http/outbound-policy';

/** One request as a recording server received it, its body read in full. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface RecordedReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A loopback HTTP server that reads each request's body before answering it with `reply` (which may depend on
 * the body), and keeps every request: for contract tests that script a vendor from its documentation and
 * assert exactly what the client sent, independent of the simulators.
 */
export async function startRecordingServer(
  reply: (request: RecordedRequest, index: number) => RecordedReply,
) {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json };
      requests.push(request);
      const answer = reply(request, requests.length - 1);
      const text =
        answer.body === undefined
          ? ''
          : typeof answer.body === 'string'
            ? answer.body
            : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Lets the clients built in this test file reach loopback over plain http (`KYC_ALLOW_INSECURE_HOSTS`, read
 * when a client is built), as the recording servers need, and restores the variable afterwards.
 */
export function allowLoopbackHttp(): void {
  const previous = process.env.KYC_ALLOW_INSECURE_HOSTS;
  beforeAll(() => {
    process.env.KYC_ALLOW_INSECURE_HOSTS = '127.0.0.1';
    resetOutboundPolicy();
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.KYC_ALLOW_INSECURE_HOSTS;
    else process.env.KYC_ALLOW_INSECURE_HOSTS = previous;
    resetOutboundPolicy();
  });
}
