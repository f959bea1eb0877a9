import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SumsubClient } from '../../vendors/sumsub/client';
import {
  encodeStrict,
  signatureOf,
  signRequest,
  stringToSign,
  withQuery,
} from '../../vendors/sumsub/signing';
import { startScriptedServer } from '../helpers/scripted-server';
import { allowLoopbackHttp } from '../helpers/recording-server';

allowLoopbackHttp();

/** Request signing as docs/vendor-apis.md documents it, and proof that the client sends exactly what it signs. */
const SECRET = 'test-secret-key-0123456789';
const DOCUMENTED =
  '1607551635POST/resources/accessTokens?userId=cfd20712-24a2-4c7d-9ab0-146f3c142335&levelName=basic-kyc-level&ttlInSecs=600';

describe('signing', () => {
  const documentedPath = withQuery('/resources/accessTokens', {
    userId: 'cfd20712-24a2-4c7d-9ab0-146f3c142335',
    levelName: 'basic-kyc-level',
    ttlInSecs: 600,
  });

  it('reproduces the documented signed string', () => {
    expect(stringToSign(1607551635, { method: 'post', pathWithQuery: documentedPath }).toString()).toBe(
      DOCUMENTED,
    );
  });

  it('reproduces the HMAC of the documented signed string as lowercase hex', () => {
    const expected = createHmac('sha256', SECRET).update(DOCUMENTED).digest('hex');
    expect(signatureOf(SECRET, 1607551635, { method: 'POST', pathWithQuery: documentedPath })).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('appends the body bytes after the path, with no separator', () => {
    const body = Buffer.from('{"externalUserId":"Zoë"}', 'utf8');
    const signed = stringToSign(1, { method: 'POST', pathWithQuery: '/resources/applicants', body });
    expect(signed.equals(Buffer.concat([Buffer.from('1POST/resources/applicants'), body]))).toBe(true);
  });

  it('stamps Unix seconds, not milliseconds', () => {
    const headers = signRequest(
      { appToken: 'sbx:app', secretKey: SECRET },
      { method: 'GET', pathWithQuery: '/x' },
      1607551635999,
    );
    expect(headers['X-App-Access-Ts']).toBe('1607551635');
    expect(headers['X-App-Token']).toBe('sbx:app');
  });

  it('percent-encodes level names and ids strictly, so no HTTP stack re-encodes them', () => {
    expect(withQuery('/p', { levelName: "KYC level+1 (o'brien)", ttlInSecs: 60 })).toBe(
      '/p?levelName=KYC%20level%2B1%20%28o%27brien%29&ttlInSecs=60',
    );
    expect(encodeStrict('a/b;c=d!*')).toBe('a%2Fb%3Bc%3Dd%21%2A');
  });
});

describe('the client signs the bytes it sends', () => {
  interface Seen {
    url: string;
    method: string;
    headers: IncomingMessage['headers'];
    body: Buffer;
  }

  /** A server that answers `reply` and records each request's target, headers and raw body. */
  async function capture(reply: string) {
    const seen: Seen[] = [];
    const server = await startScriptedServer((req) => {
      const chunks: Buffer[] = [];
      const entry: Seen = {
        url: req.url ?? '',
        method: req.method ?? '',
        headers: req.headers,
        body: Buffer.alloc(0),
      };
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => (entry.body = Buffer.concat(chunks)));
      seen.push(entry);
      return { status: 200, body: reply };
    });
    return { server, seen };
  }

  /** Recomputes the signature of what arrived, independently of the client's code. */
  function expectValidSignature(request: Seen): void {
    const ts = String(request.headers['x-app-access-ts']);
    const expected = createHmac('sha256', SECRET)
      .update(Buffer.concat([Buffer.from(`${ts}${request.method}${request.url}`), request.body]))
      .digest('hex');
    expect(request.headers['x-app-access-sig']).toBe(expected);
    expect(request.headers['x-app-token']).toBe('sbx:app-token');
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(5);
  }

  it('for a JSON body with non-ASCII text and an encoded level name', async () => {
    const { server, seen } = await capture('{"id":"a1","externalUserId":"u1"}');
    try {
      const client = new SumsubClient({ baseUrl: server.url, appToken: 'sbx:app-token', secretKey: SECRET });
      await client.createApplicant('basic kyc+level', {
        externalUserId: 'u1',
        fixedInfo: { firstName: 'Zoë', lastName: "O'Brien", country: 'DEU' },
      });
      const [request] = seen;
      if (!request) throw new Error('no request arrived');
      expect(request.url).toBe('/resources/applicants?levelName=basic%20kyc%2Blevel');
      expect(request.headers['content-type']).toBe('application/json');
      expect(JSON.parse(request.body.toString('utf8'))).toMatchObject({ fixedInfo: { firstName: 'Zoë' } });
      expectValidSignature(request);
    } finally {
      await server.close();
    }
  });

  it('for an empty-bodied POST and a GET with an odd external user id', async () => {
    const { server, seen } = await capture(
      '{"token":"_act-1","userId":"u 1/x","id":"a1","externalUserId":"e"}',
    );
    try {
      const client = new SumsubClient({ baseUrl: server.url, appToken: 'sbx:app-token', secretKey: SECRET });
      await client.createWebSdkAccessToken('u 1/x', 'basic-kyc-level', 600);
      await client.getApplicantByExternalUserId("o'brien/1;x=2");
      expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual([
        'POST /resources/accessTokens?userId=u%201%2Fx&levelName=basic-kyc-level&ttlInSecs=600',
        'GET /resources/applicants/-;externalUserId=o%27brien%2F1%3Bx%3D2/one',
      ]);
      expect(seen.map((request) => request.body.length)).toEqual([0, 0]);
      seen.forEach(expectValidSignature);
    } finally {
      await server.close();
    }
  });
});
