import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SUMSUB_APP_TOKEN, SUMSUB_SECRET, sumsubClient } from '../helpers/sumsub';
import { allowLoopbackHttp } from '../helpers/recording-server';

/** One request exactly as it arrived: the raw header lines (name and value as sent) and the body bytes. */
interface RawRequest {
  method: string;
  url: string;
  rawHeaders: Record<string, string>;
  body: Buffer;
}

/** A loopback server that records what arrives, before any framework could normalise it. */
async function recordingServer(reply: string) {
  const seen: RawRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawHeaders: Record<string, string> = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        rawHeaders[req.rawHeaders[i]!.toLowerCase()] = req.rawHeaders[i + 1]!;
      }
      seen.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The signature of what arrived, recomputed from the received bytes alone. */
function expectSignatureOverBytesSent(request: RawRequest): void {
  const ts = request.rawHeaders['x-app-access-ts'] ?? '';
  const expected = createHmac('sha256', SUMSUB_SECRET)
    .update(Buffer.concat([Buffer.from(`${ts}${request.method}${request.url}`), request.body]))
    .digest('hex');
  expect(request.rawHeaders['x-app-access-sig']).toBe(expected);
  expect(request.rawHeaders['x-app-token']).toBe(SUMSUB_APP_TOKEN);
}

/**
 * Issue 14, item 3: SumSub's body-less POSTs (WebSDK token, share token by query) must not go out as
 * `application/x-www-form-urlencoded`; a POST with a body is `application/json`; the signature covers the very
 * bytes sent.
 */
describe('SumSub request content type', () => {
  allowLoopbackHttp();

  it('sends a body-less POST without a form content type, signed over the empty body', async () => {
    const server = await recordingServer('{"token":"_act-1","userId":"u1"}');
    try {
      await sumsubClient(server.url).createWebSdkAccessToken('u1', 'basic-kyc-level', 600);
      const [request] = server.seen;
      if (!request) throw new Error('no request arrived');
      expect(request.method).toBe('POST');
      expect(request.body.length).toBe(0);
      // None at all, or JSON: never a form, which SumSub's body-less calls are not.
      expect(request.rawHeaders['content-type'] ?? '(none)').toMatch(/^(\(none\)|application\/json)$/);
      expectSignatureOverBytesSent(request);
    } finally {
      await server.close();
    }
  });

  it('sends the share token by query without a form content type', async () => {
    const server = await recordingServer('{"token":"share-1","forClientId":"kriptomat"}');
    try {
      await sumsubClient(server.url).createShareToken('a1', 'kriptomat', 600);
      const [request] = server.seen;
      if (!request) throw new Error('no request arrived');
      expect(request.rawHeaders['content-type'] ?? 'application/json').toBe('application/json');
      expect(request.body.length).toBe(0);
      expectSignatureOverBytesSent(request);
    } finally {
      await server.close();
    }
  });

  it('sends a POST with a body as application/json, those bytes signed', async () => {
    const server = await recordingServer('{"id":"a1","externalUserId":"u1"}');
    try {
      await sumsubClient(server.url).createApplicant('basic-kyc-level', { externalUserId: 'u1' });
      const [request] = server.seen;
      if (!request) throw new Error('no request arrived');
      expect(request.rawHeaders['content-type']).toBe('application/json');
      expect(JSON.parse(request.body.toString('utf8'))).toEqual({ externalUserId: 'u1' });
      expect(request.rawHeaders['content-length']).toBe(String(request.body.length));
      expectSignatureOverBytesSent(request);
    } finally {
      await server.close();
    }
  });
});
