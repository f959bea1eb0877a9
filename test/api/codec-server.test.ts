import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api';
import { createCodecApp, toPayloadJson } from '../../api/codec-server';
import { isLoopbackAddress } from '../../domain';
import type { PeerCheck } from '../../api/codec-server';
import { AesGcmPayloadCodec, generateCodecKey, parseKeyring } from '../../codec';
import { untrustedPayload } from '../../domain/untrusted-payload';
import { memoryLogger } from '../helpers/memory-logger';
import { apiConfig, fakeSumsub } from './api-harness';

/**
 * The codec endpoint the Temporal UI and CLI call: it decodes what the engine encrypted, across a key
 * rotation, for the UI's origins only, and only for callers holding the token (or on this machine).
 */
const CODEC_TOKEN = 'codec-token-under-test-0123456789abcdef';
const UI_ORIGIN = 'http://localhost:8233';
const OLD_KEY = generateCodecKey('2025-01');
const NEW_KEY = generateCodecKey('2026-01');
const logs = memoryLogger();

function codecApp(options: { keys?: [string, ...string[]]; token?: string; peer?: PeerCheck } = {}) {
  const [current, ...previous] = options.keys ?? [NEW_KEY];
  return createCodecApp({
    codec: new AesGcmPayloadCodec(parseKeyring(current, previous)),
    token: 'token' in options ? options.token : CODEC_TOKEN,
    corsOrigins: [UI_ORIGIN, 'http://127.0.0.1:8233'],
    isLoopbackPeer: options.peer,
    logger: logs.logger,
  });
}
type CodecApp = ReturnType<typeof codecApp>;

/** What the UI would send: JSON payloads made by the SDK's own converter. */
const plain = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);

async function post(app: CodecApp, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await app.request(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${CODEC_TOKEN}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as CodecAnswer };
}
interface CodecAnswer {
  payloads: { metadata: Record<string, string>; data: string }[];
  error?: string;
  message?: string;
  issues?: { path: string }[];
}

describe('POST /encode and /decode', () => {
  it('round-trips payloads over HTTP, encrypted in between', async () => {
    const app = codecApp();
    const original = [plain({ userId: 'u-1', phase: 'approved' }), plain('a string'), plain(null)].map(
      toPayloadJson,
    );

    const encoded = await post(app, '/encode', { payloads: original });
    expect(encoded.status).toBe(200);
    for (const payload of encoded.body.payloads) {
      expect(Buffer.from(payload.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
      expect(Buffer.from(payload.data, 'base64').toString()).not.toContain('approved');
    }

    const decoded = await post(app, '/decode', encoded.body, { 'x-namespace': 'default' });
    expect(decoded.status).toBe(200);
    expect(decoded.body).toEqual({ payloads: original });
  });

  it('decodes history written under a key retired by a rotation', async () => {
    const before = await post(codecApp({ keys: [OLD_KEY] }), '/encode', {
      payloads: [toPayloadJson(plain({ a: 1 }))],
    });

    const decoded = await post(codecApp({ keys: [NEW_KEY, OLD_KEY] }), '/decode', before.body);

    expect(decoded.status).toBe(200);
    expect(decoded.body.payloads).toEqual([toPayloadJson(plain({ a: 1 }))]);
  });

  it('answers 400 naming the key id for a payload of an unknown key, never echoing its bytes', async () => {
    const before = await post(codecApp({ keys: [OLD_KEY] }), '/encode', {
      payloads: [toPayloadJson(plain('x'))],
    });

    const decoded = await post(codecApp({ keys: [NEW_KEY] }), '/decode', before.body);

    expect(decoded.status).toBe(400);
    expect(decoded.body).toMatchObject({
      error: 'undecodable_payload',
      message: expect.stringContaining('2025-01') as string,
    });
    expect(JSON.stringify(decoded.body)).not.toContain(before.body.payloads[0]!.data.slice(0, 24));
  });

  it('shows bytes that fail authentication as the untrusted marker', async () => {
    const app = codecApp();
    const encoded = await post(app, '/encode', { payloads: [toPayloadJson(plain({ a: 1 }))] });
    const data = Buffer.from(encoded.body.payloads[0]!.data, 'base64');
    data.writeUInt8(data.readUInt8(data.length - 1) ^ 1, data.length - 1);
    const tampered = { payloads: [{ ...encoded.body.payloads[0], data: data.toString('base64') }] };

    const decoded = await post(app, '/decode', tampered);

    expect(decoded.status).toBe(200);
    expect(decoded.body.payloads).toEqual([toPayloadJson(plain(untrustedPayload('unauthenticated')))]);
  });

  it('answers an empty list for `{}`, which the Temporal CLI sends for a call without arguments', async () => {
    const response = await post(codecApp(), '/decode', {});
    expect(response).toMatchObject({ status: 200, body: { payloads: [] } });
  });

  it.each([
    ['a payloads field that is not a list', { payloads: 'none' }, 'body.payloads'],
    [
      'data that is not base64',
      { payloads: [{ metadata: {}, data: 'not base64!' }] },
      'body.payloads.0.data',
    ],
    [
      'metadata of the wrong type',
      { payloads: [{ metadata: { encoding: 7 } }] },
      'body.payloads.0.metadata.encoding',
    ],
  ])('answers 400 for %s', async (_, body, path) => {
    const response = await post(codecApp(), '/decode', body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_request', issues: [{ path }] });
  });

  it('answers 400 for a body that is not JSON', async () => {
    expect((await post(codecApp(), '/decode', '{"payloads": [')).status).toBe(400);
  });

  it('shows payloads that were never encrypted as the untrusted marker, as the workflow sees them', async () => {
    const payloads = [toPayloadJson(plain({ forged: 'GREEN' }))];
    expect((await post(codecApp(), '/decode', { payloads })).body).toEqual({
      payloads: [toPayloadJson(plain(untrustedPayload('plaintext')))],
    });
  });
});

describe('CORS', () => {
  const preflight = (app: CodecApp, origin: string) =>
    app.request('/decode', {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace,authorization',
      },
    });

  it("lets the Temporal UI's origin call it from a browser, without a token for the preflight", async () => {
    const response = await preflight(codecApp(), UI_ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')).toBe('POST,OPTIONS');
    expect(response.headers.get('access-control-allow-headers')?.split(',')).toEqual(
      expect.arrayContaining(['content-type', 'x-namespace', 'authorization']),
    );
  });

  it('gives a foreign origin no CORS grant', async () => {
    const response = await preflight(codecApp(), 'https://evil.example');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const call = await post(codecApp(), '/decode', { payloads: [] }, { origin: 'https://evil.example' });
    expect(call.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('grants the allowed origin on the answer itself, a refusal included', async () => {
    const ok = await post(codecApp(), '/decode', { payloads: [] }, { origin: UI_ORIGIN });
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const refused = await post(
      codecApp(),
      '/decode',
      { payloads: [] },
      { origin: UI_ORIGIN, authorization: '' },
    );
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  });
});

describe('auth', () => {
  it.each([
    ['no token', ''],
    ['a wrong token', 'Bearer codec-token-under-test-0123456789abcdeg'],
    ['the token in another scheme', `Basic ${CODEC_TOKEN}`],
  ])('refuses %s with 401 when a token is configured, even from loopback', async (_, authorization) => {
    const response = await post(
      codecApp({ peer: () => true }),
      '/decode',
      { payloads: [] },
      { authorization },
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('without a token, serves loopback peers only', async () => {
    const noToken = (peer?: PeerCheck) => codecApp({ token: undefined, peer });
    const headers = { authorization: '' };
    expect(
      (
        await post(
          noToken(() => true),
          '/decode',
          { payloads: [] },
          headers,
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await post(
          noToken(() => false),
          '/decode',
          { payloads: [] },
          headers,
        )
      ).status,
    ).toBe(403);
    // `app.request` has no socket: a peer that cannot be determined is refused.
    expect((await post(noToken(), '/decode', { payloads: [] }, headers)).status).toBe(403);
  });

  it('without a token, serves a real loopback connection (the socket address decides)', async () => {
    const app = codecApp({ token: undefined });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ payloads: [] }),
      });
      expect(response.status).toBe(200);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.5', false],
    ['::ffff:10.0.0.5', false],
    ['2001:db8::1', false],
    ['127.evil.example', false],
    [undefined, false],
  ])('counts %s as loopback: %s', (address, expected) => {
    expect(isLoopbackAddress(address)).toBe(expected);
  });
});

describe('mounted by createApp at /codec', () => {
  it('decodes with the API process codec, guarded by KYC_CODEC_TOKEN', async () => {
    const [current, ...previous] = [NEW_KEY, OLD_KEY];
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    const api = createApp({
      client: new Client({ connection }),
      config: apiConfig('kyc', { KYC_CODEC_TOKEN: CODEC_TOKEN }),
      timings: {},
      sumsub: fakeSumsub(),
      codec: new AesGcmPayloadCodec(parseKeyring(current, previous)),
      logger: logs.logger,
    });
    const encoded = await post(codecApp({ keys: [OLD_KEY] }), '/encode', {
      payloads: [toPayloadJson(plain(42))],
    });

    const decoded = await post(api, '/codec/decode', encoded.body);
    const refused = await post(api, '/codec/decode', encoded.body, { authorization: '' });

    expect(decoded).toMatchObject({ status: 200, body: { payloads: [toPayloadJson(plain(42))] } });
    expect(refused.status).toBe(401);
    await connection.close();
  });
});
