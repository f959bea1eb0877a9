import type http from 'node:http';
import { KriptomatClient } from '../../vendors/kriptomat/client';
import { LoginTokenProvider } from '../../vendors/kriptomat/login';
import type { LoginTokenProviderOptions } from '../../vendors/kriptomat/login';
import { totpCode } from '../../vendors/kriptomat/totp';
import { PARTNER } from '../helpers/kriptomat-partner';
import { startScriptedServer } from '../helpers/scripted-server';
import type { ScriptedReply } from '../helpers/scripted-server';
import { failureOf } from '../helpers/rejections';
import { allowLoopbackHttp } from '../helpers/recording-server';

allowLoopbackHttp();

/** What the login provider sends, and how it reads a login server that misbehaves. */
const SHOW_USER_OK = '{"status":true,"data":{"kyc_status":"passed","edd_status":""}}';

type Seen = { path: string; headers: http.IncomingHttpHeaders }[];

/** A scripted server whose login answer is `loginReply` and whose show-user answer is always a passed user. */
async function withServer<T>(
  loginReply: ScriptedReply,
  run: (url: string, seen: Seen) => Promise<T>,
): Promise<T> {
  const seen: Seen = [];
  const server = await startScriptedServer((req) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    return req.url?.includes('/auth/login') ? loginReply : { status: 200, body: SHOW_USER_OK };
  });
  try {
    return await run(server.url, seen);
  } finally {
    await server.close();
  }
}

function clientAt(url: string, options: Partial<LoginTokenProviderOptions> = {}) {
  // A refused login is tried once more in the next TOTP window: these scripted servers check no code, so the
  // wait for that window is skipped.
  const auth = new LoginTokenProvider({
    baseUrl: url,
    credentials: PARTNER,
    timeoutMs: 300,
    sleep: () => Promise.resolve(),
    ...options,
  });
  return new KriptomatClient({ baseUrl: url, auth });
}

describe('LoginTokenProvider against a scripted server', () => {
  it('posts the documented fields with the current TOTP code, then uses the token it got', async () => {
    const bodies: string[] = [];
    const server = await startScriptedServer((req) => {
      req.on('data', (chunk: Buffer) => bodies.push(chunk.toString()));
      return req.url === '/api/v1/partners/auth/login'
        ? { status: 200, body: '{"access_token":"session-abc","token_type":"bearer","expires_in":3600}' }
        : { status: 200, body: SHOW_USER_OK };
    });
    try {
      const before = totpCode(PARTNER.totpSecret);
      await clientAt(server.url, { requestedExpiresIn: 1800 }).readKycStatus('passed-1');
      const after = totpCode(PARTNER.totpSecret);
      expect(bodies).toHaveLength(1);
      const sent = JSON.parse(bodies[0]!) as Record<string, unknown>;
      expect(sent).toEqual({
        email: PARTNER.email,
        password: PARTNER.password,
        security_code: sent.security_code,
        client_id: PARTNER.clientId,
        client_secret: PARTNER.clientSecret,
        expires_in: 1800,
      });
      expect(sent.security_code).toMatch(/^\d{6}$/);
      expect([before, after]).toContain(sent.security_code);
    } finally {
      await server.close();
    }
  });

  it('sends X-Requested-With at login, and the session token with every call', async () => {
    await withServer({ status: 200, body: '{"access_token":"session-abc"}' }, async (url, seen) => {
      await clientAt(url).readKycStatus('passed-1');
      expect(seen.map((entry) => [entry.headers['x-requested-with'], entry.headers.authorization])).toEqual([
        ['XMLHttpRequest', undefined],
        ['XMLHttpRequest', 'Bearer session-abc'],
      ]);
    });
  });

  it('honours a configured login path', async () => {
    await withServer({ status: 200, body: '{"access_token":"t"}' }, async (url, seen) => {
      const client = clientAt(url, { paths: { login: '/partners/v2/auth/login' } });
      await client.readKycStatus('passed-1');
      expect(seen.map((entry) => entry.path)).toEqual([
        '/partners/v2/auth/login',
        '/api/v1/partners/users/passed-1',
      ]);
    });
  });

  // A refusal (422, 403) is tried once more with the next window's code, in case another process used it.
  it.each<[string, ScriptedReply, object, number]>([
    [
      'a 422',
      { status: 422, body: '{"message":"The given data was invalid."}' },
      { type: 'PartnerAuthFailed' },
      2,
    ],
    ['a 403', { status: 403 }, { type: 'PartnerAuthFailed', retryable: false }, 2],
    ['a 500', { status: 500, body: '{}' }, { type: 'PartnerUnavailable', retryable: true }, 1],
    [
      'a 429',
      { status: 429, headers: { 'retry-after': '4' } },
      { type: 'RateLimited', retryAfterMs: 4000 },
      1,
    ],
    [
      'a body without a token',
      { status: 200, body: '{"token_type":"bearer"}' },
      { type: 'ContractViolation' },
      1,
    ],
    ['silence', 'hang', { type: 'PartnerUnavailable', retryable: true }, 1],
  ])('classifies %s at login', async (_name, reply, expected, logins) => {
    await withServer(reply, async (url, seen) => {
      const error = await failureOf(clientAt(url).readKycStatus('passed-1'));
      expect(error).toMatchObject(expected);
      expect(error.message).toContain('Kriptomat POST /api/v1/partners/auth/login');
      expect(seen).toHaveLength(logins);
    });
  });

  it('logs in again after an unexpected 401, and retries the call only once', async () => {
    let logins = 0;
    const server = await startScriptedServer((req) => {
      if (req.url?.includes('/auth/login')) return { status: 200, body: `{"access_token":"t${++logins}"}` };
      return { status: 401, body: '{"status":false,"message":"Unauthenticated."}' };
    });
    try {
      const error = await failureOf(clientAt(server.url).readKycStatus('passed-1'));
      expect(error).toMatchObject({ type: 'PartnerAuthFailed', context: { status: 401 } });
      expect(logins).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('uses Kriptomat’s 60-minute session when the answer gives no lifetime', async () => {
    await withServer({ status: 200, body: '{"access_token":"long"}' }, async (url, seen) => {
      const client = clientAt(url);
      await client.readKycStatus('passed-1');
      await client.readKycStatus('passed-2');
      expect(seen.filter((entry) => entry.path.includes('/auth/login'))).toHaveLength(1);
    });
  });
});
