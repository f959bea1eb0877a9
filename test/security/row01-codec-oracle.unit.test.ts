import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { startApiServer } from '../../api/api-process';
import type { RunningHttpServer } from '../../api/serve-app';
import { toPayloadJson } from '../../api/codec-server';
import { codecFromConfig } from '../../codec';
import { loadApiConfig } from '../../config';
import { TEST_CODEC_CONFIG, TEST_CODEC_ENV } from '../helpers/codec';
import { memoryLogger } from '../helpers/memory-logger';
import type { RawAnswer } from './raw-http';
import { rawRequest } from './raw-http';

/**
 * Row 1 of "hostile networks and hostile callers": the codec endpoint is a decryption (and encryption) oracle
 * unless it knows who calls. A page on another origin, a DNS-rebinding page that reaches 127.0.0.1 under its own
 * host name, and anyone behind a same-host reverse proxy (whose peer is always loopback) are refused, and not
 * one decrypted byte reaches them. Every request goes to the API process's own server on 127.0.0.1.
 */
const SECRET_FIELD = 'ROW01-applicant-Jane-Doe-passport-X1234567';
const CODEC_TOKEN = 'row01-codec-token-0123456789abcdefghijkl';
const PROXY_SECRET = 'row01-proxy-secret-0123456789abcdefghijkl';
const UI_ORIGIN = 'http://localhost:8233';

const BASE_ENV = {
  ...TEST_CODEC_ENV,
  KYC_API_HOST: '127.0.0.1',
  KYC_API_PORT: '1',
  KYC_API_TOKEN: 'row01-api-token-0123456789abcdefghijklmnop',
  SUMSUB_APP_TOKEN: 'sbx:row01',
  SUMSUB_SECRET_KEY: 'row01-sumsub-secret',
  SUMSUB_WEBHOOK_SECRET: 'row01-sumsub-hook',
  LOG_LEVEL: 'silent',
};

const connection = Connection.lazy({ address: '127.0.0.1:1' });
const client = new Client({ connection });
const servers: RunningHttpServer[] = [];

/** The API as its process serves it, configured by `env` on top of the base: a port of its own each time. */
async function serveApi(env: Record<string, string> = {}): Promise<string> {
  const config = { ...loadApiConfig({ ...BASE_ENV, ...env }), KYC_API_PORT: 0 };
  const server = await startApiServer(config, { client, logger: memoryLogger().logger });
  servers.push(server);
  return server.url;
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await connection.close();
});

let sealed: string;
beforeAll(async () => {
  const [payload] = await codecFromConfig(TEST_CODEC_CONFIG).encode([
    defaultPayloadConverter.toPayload({ applicant: SECRET_FIELD }),
  ]);
  sealed = JSON.stringify({ payloads: [toPayloadJson(payload!)] });
});

/** Every answer of this file, for the leak check at the end. */
const answers: RawAnswer[] = [];

async function post(
  url: string,
  path: '/codec/decode' | '/codec/encode',
  headers: Record<string, string>,
  body = sealed,
): Promise<RawAnswer> {
  const answer = await rawRequest(url, {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  answers.push(answer);
  return answer;
}

const hostOf = (url: string) => new URL(url).host;
/** The payloads of an answer decoded from base64, as text ('' when it carries none). */
function decodedText(answer: RawAnswer): string {
  try {
    const { payloads = [] } = JSON.parse(answer.text) as { payloads?: { data?: string }[] };
    return payloads.map((payload) => Buffer.from(payload.data ?? '', 'base64').toString()).join('\n');
  } catch {
    return '';
  }
}
/** Whether an answer carries the secret anywhere: headers, body, or inside a base64 payload. */
const leaks = (answer: RawAnswer) =>
  [answer.text, JSON.stringify(answer.headers), decodedText(answer)].some((text) =>
    text.includes(SECRET_FIELD),
  );

describe('the codec endpoint on its default (no token, loopback only)', () => {
  let url: string;
  beforeAll(async () => {
    url = await serveApi();
  });

  it('decodes for a caller on this machine naming a loopback host (the control case)', async () => {
    const plain = await post(url, '/codec/decode', { host: hostOf(url) });
    expect(plain.status).toBe(200);
    expect(decodedText(plain)).toContain(SECRET_FIELD);

    const ui = await post(url, '/codec/decode', {
      host: `localhost:${new URL(url).port}`,
      origin: UI_ORIGIN,
    });
    expect(ui.status).toBe(200);
    expect(ui.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
  });

  it.each([
    ['a DNS-rebinding page (its own host name, its own origin)', 'rebind.attacker.example', true],
    ['a DNS-rebinding request without an Origin', 'rebind.attacker.example', false],
    ['a host name that merely starts like a loopback one', '127.0.0.1.attacker.example', false],
  ])('refuses %s with 403, nothing decrypted', async (_, hostname, withOrigin) => {
    const port = new URL(url).port;
    const answer = await post(url, '/codec/decode', {
      host: `${hostname}:${port}`,
      ...(withOrigin && { origin: `http://${hostname}:${port}` }),
    });
    expect({ status: answer.status, leaked: leaks(answer) }).toEqual({ status: 403, leaked: false });
  });

  it.each([
    ['a page on another origin', 'https://evil.example'],
    ['a sandboxed frame or a file (Origin: null)', 'null'],
    ['the UI origin on another port', 'http://localhost:9999'],
  ])('refuses %s with 403, even though a simple POST needs no preflight', async (_, origin) => {
    const answer = await post(url, '/codec/decode', { host: hostOf(url), origin });
    expect({ status: answer.status, leaked: leaks(answer) }).toEqual({ status: 403, leaked: false });
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a foreign origin the encryption side too (no authentic payload minted for it)', async () => {
    const plain = JSON.stringify({ payloads: [toPayloadJson(defaultPayloadConverter.toPayload('GREEN'))] });
    const answer = await post(
      url,
      '/codec/encode',
      { host: hostOf(url), origin: 'https://evil.example' },
      plain,
    );
    expect(answer.status).toBe(403);
    expect(answer.text).not.toContain('binary/encrypted');
    expect(answer.text).not.toContain(Buffer.from('binary/encrypted').toString('base64'));
  });

  it('serves a host name named in KYC_CODEC_ALLOWED_HOSTS', async () => {
    const allowed = await serveApi({ KYC_CODEC_ALLOWED_HOSTS: 'codec.ops.example' });
    const answer = await post(allowed, '/codec/decode', {
      host: `codec.ops.example:${new URL(allowed).port}`,
    });
    expect(answer.status).toBe(200);
    const other = await post(allowed, '/codec/decode', {
      host: `other.ops.example:${new URL(allowed).port}`,
    });
    expect({ status: other.status, leaked: leaks(other) }).toEqual({ status: 403, leaked: false });
  });
});

describe('behind a same-host reverse proxy (KYC_API_BEHIND_TLS_PROXY), where every peer is loopback', () => {
  it('no longer trusts a loopback peer: without a credential, refused', async () => {
    const url = await serveApi({ KYC_API_BEHIND_TLS_PROXY: 'true' });
    const answer = await post(url, '/codec/decode', { host: hostOf(url) });
    expect([401, 403]).toContain(answer.status);
    expect(leaks(answer)).toBe(false);
  });

  it('serves the bearer token KYC_CODEC_TOKEN, and refuses a wrong one', async () => {
    const url = await serveApi({ KYC_API_BEHIND_TLS_PROXY: 'true', KYC_CODEC_TOKEN: CODEC_TOKEN });
    const good = await post(url, '/codec/decode', {
      host: hostOf(url),
      authorization: `Bearer ${CODEC_TOKEN}`,
    });
    expect(good.status).toBe(200);
    expect(decodedText(good)).toContain(SECRET_FIELD);
    const wrong = await post(url, '/codec/decode', {
      host: hostOf(url),
      authorization: `Bearer ${CODEC_TOKEN}x`,
    });
    expect({ status: wrong.status, leaked: leaks(wrong) }).toEqual({ status: 401, leaked: false });
  });

  it('serves the header the proxy injects (KYC_CODEC_PROXY_HEADER with KYC_CODEC_PROXY_SECRET), nothing less', async () => {
    const url = await serveApi({
      KYC_API_BEHIND_TLS_PROXY: 'true',
      KYC_CODEC_PROXY_HEADER: 'x-kyc-codec-proxy',
      KYC_CODEC_PROXY_SECRET: PROXY_SECRET,
    });
    const good = await post(url, '/codec/decode', { host: hostOf(url), 'x-kyc-codec-proxy': PROXY_SECRET });
    expect(good.status).toBe(200);
    const attempts: Record<string, string>[] = [
      {},
      { 'x-kyc-codec-proxy': `${PROXY_SECRET}x` },
      { 'x-kyc-codec-proxy': PROXY_SECRET.slice(0, -1) },
      { 'x-other-header': PROXY_SECRET },
      { authorization: `Bearer ${PROXY_SECRET}` },
    ];
    for (const headers of attempts) {
      const answer = await post(url, '/codec/decode', { host: hostOf(url), ...headers });
      expect({ headers, status: answer.status, leaked: leaks(answer) }).toEqual({
        headers,
        status: 401,
        leaked: false,
      });
    }
  });
});

describe('what the refused callers got', () => {
  it('not one decrypted byte, nor the credentials', () => {
    const refused = answers.filter((answer) => answer.status >= 400);
    expect(refused.length).toBeGreaterThan(5);
    const text = refused
      .map((answer) => `${JSON.stringify(answer.headers)}\n${answer.text}\n${decodedText(answer)}`)
      .join('\n');
    expect(text).not.toContain(SECRET_FIELD);
    expect(text).not.toContain(CODEC_TOKEN);
    expect(text).not.toContain(PROXY_SECRET);
  });
});
