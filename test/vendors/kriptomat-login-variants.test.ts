import { KriptomatClient } from '../../vendors/kriptomat/client';
import { clientIdForLogin, LoginTokenProvider, TOTP_PERIOD_MS } from '../../vendors/kriptomat/login';
import type { KriptomatLoginCredentials } from '../../vendors/kriptomat/login';
import { totpCode } from '../../vendors/kriptomat/totp';
import { kriptomatLoginFrom } from '../../config';
import { ConfigurationError } from '../../domain';
import { PARTNER } from '../helpers/kriptomat-partner';
import type { RecordedReply, RecordedRequest } from '../helpers/recording-server';
import { allowLoopbackHttp, startRecordingServer } from '../helpers/recording-server';
import { failureOf } from '../helpers/rejections';

/**
 * The login answers and bodies Kriptomat's login page allows (docs/vendor-apis.md, "Kriptomat login"),
 * against a server scripted here: `client_id` as an integer, the token wrapped or not, `expires_in` as a
 * numeric string, and codes of a later TOTP window for every new login.
 */ allowLoopbackHttp();

const USER_ANSWER: RecordedReply = { status: 200, body: { status: true, data: { kyc_status: 'passed' } } };

async function loginAgainst(
  loginAnswer: (request: RecordedRequest, index: number) => RecordedReply,
  credentials: KriptomatLoginCredentials = PARTNER,
  options: Partial<ConstructorParameters<typeof LoginTokenProvider>[0]> = {},
) {
  let logins = 0;
  const server = await startRecordingServer((request) =>
    request.path.endsWith('/auth/login') ? loginAnswer(request, logins++) : USER_ANSWER,
  );
  const auth = new LoginTokenProvider({ baseUrl: server.url, credentials, ...options });
  const client = new KriptomatClient({ baseUrl: server.url, auth });
  const loginBodies = () =>
    server.requests
      .filter((r) => r.path.endsWith('/auth/login'))
      .map((r) => r.json as Record<string, unknown>);
  const bearers = () =>
    server.requests.filter((r) => !r.path.endsWith('/auth/login')).map((r) => r.headers.authorization);
  return { server, auth, client, loginBodies, bearers };
}

const token = (value: string): RecordedReply => ({ status: 200, body: { access_token: value } });

describe('client_id in the login body', () => {
  it("goes as a JSON integer when it is a whole number, as Kriptomat's example sends it (old code: a string)", async () => {
    const login = await loginAgainst(() => token('t-1'), { ...PARTNER, clientId: '5' });
    try {
      await login.client.readKycStatus('1');
      expect(login.loginBodies()[0]).toMatchObject({ client_id: 5 });
    } finally {
      await login.server.close();
    }
  });

  it.each([
    ['a non-numeric id, auto', { clientId: 'client-id-7f3a9c' }, 'client-id-7f3a9c'],
    ['a numeric id forced to a string', { clientId: '5', clientIdAs: 'string' as const }, '5'],
    ['a numeric id with a leading zero, auto', { clientId: '007' }, '007'],
    ['a numeric id forced to an integer', { clientId: '42', clientIdAs: 'integer' as const }, 42],
  ])('%s', (_name, change, expected) => {
    expect(clientIdForLogin({ ...PARTNER, ...change })).toBe(expected);
  });

  it('refuses integer for an id that is not a whole number, as a configuration error', () => {
    expect(() => clientIdForLogin({ ...PARTNER, clientIdAs: 'integer' })).toThrow(ConfigurationError);
  });

  it('takes the format from KRIPTOMAT_CLIENT_ID_TYPE', () => {
    const vars = {
      KRIPTOMAT_CLIENT_ID: '5',
      KRIPTOMAT_CLIENT_SECRET: 's',
      KRIPTOMAT_EMAIL: 'e',
      KRIPTOMAT_PASSWORD: 'p',
      KRIPTOMAT_TOTP_SECRET: PARTNER.totpSecret,
    };
    expect(kriptomatLoginFrom({ ...vars, KRIPTOMAT_CLIENT_ID_TYPE: 'string' })).toMatchObject({
      clientIdAs: 'string',
    });
    expect(kriptomatLoginFrom(vars)).toMatchObject({ clientIdAs: undefined });
  });
});

describe('the login answer', () => {
  it.each([
    ['top level', { access_token: 'tok-top' }, 'tok-top'],
    [
      'wrapped in {status, data} (old code: ContractViolation)',
      { status: true, data: { access_token: 'tok-wrapped' } },
      'tok-wrapped',
    ],
    ['with expires_in as a numeric string', { access_token: 'tok-str', expires_in: '3600' }, 'tok-str'],
    [
      'wrapped, with a numeric-string expires_in',
      { status: true, data: { access_token: 'tok-w', expires_in: '3600' } },
      'tok-w',
    ],
  ])('is accepted %s', async (_name, body, expected) => {
    const login = await loginAgainst(() => ({ status: 200, body }));
    try {
      await login.client.readKycStatus('1');
      expect(login.bearers()).toEqual([`Bearer ${expected}`]);
    } finally {
      await login.server.close();
    }
  });

  it('honours a numeric-string expires_in: a token of 2 s is replaced, not reused', async () => {
    let now = 1_700_000_040_000;
    const login = await loginAgainst(
      (_r, index) => ({ status: 200, body: { access_token: `t-${index}`, expires_in: '2' } }),
      PARTNER,
      {
        now: () => now,
        sleep: () => Promise.resolve(),
      },
    );
    try {
      await login.client.readKycStatus('1');
      now += 2_000 + TOTP_PERIOD_MS;
      await login.client.readKycStatus('2');
      expect(login.bearers()).toEqual(['Bearer t-0', 'Bearer t-1']);
    } finally {
      await login.server.close();
    }
  });

  it('refuses an answer without a token, naming the field and not the values', async () => {
    const login = await loginAgainst(() => ({
      status: 200,
      body: { status: true, data: { token_type: 'Bearer' } },
    }));
    try {
      const error = await failureOf(login.client.readKycStatus('1'));
      expect(error).toMatchObject({ type: 'ContractViolation' });
      expect(error.message).toContain('access_token');
    } finally {
      await login.server.close();
    }
  });

  it('names KRIPTOMAT_LOGIN_PATH when the login path answers 404', async () => {
    const login = await loginAgainst(() => ({ status: 404, body: { message: 'Not Found' } }));
    try {
      const error = await failureOf(login.client.readKycStatus('1'));
      expect(error).toMatchObject({ retryable: false, context: { status: 404 } });
      expect(error.message).toContain('check KRIPTOMAT_LOGIN_PATH');
    } finally {
      await login.server.close();
    }
  });

  it('never follows a redirect with the credentials', async () => {
    const login = await loginAgainst((request) =>
      request.path.startsWith('/moved') ? token('t') : { status: 308, headers: { location: '/moved/login' } },
    );
    try {
      const error = await failureOf(login.client.readKycStatus('1'));
      expect(error.context?.status).toBe(308);
      expect(login.server.requests.map((r) => r.path)).toEqual(['/api/v1/partners/auth/login']);
    } finally {
      await login.server.close();
    }
  });
});

describe('TOTP windows', () => {
  it('never sends a code of a window already used: a second login waits for the next window', async () => {
    const now = 1_700_000_055_000; // 15 s into a window
    const waits: number[] = [];
    const login = await loginAgainst((_r, index) => token(`t-${index}`), PARTNER, {
      now: () => now,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    try {
      await login.client.readKycStatus('1');
      login.auth.invalidate();
      await login.client.readKycStatus('2');
      const window = Math.floor(now / TOTP_PERIOD_MS);
      expect(login.loginBodies().map((body) => body.security_code)).toEqual([
        totpCode(PARTNER.totpSecret, now),
        totpCode(PARTNER.totpSecret, (window + 1) * TOTP_PERIOD_MS),
      ]);
      expect(waits).toEqual([15_000]);
    } finally {
      await login.server.close();
    }
  });

  it('tries a refused code once more in the next window: another worker may have used it', async () => {
    let now = 1_700_000_055_000;
    const used = new Set<unknown>();
    // Kriptomat refuses a code it has seen: here a second worker used this window's code a moment ago.
    used.add(totpCode(PARTNER.totpSecret, now));
    const login = await loginAgainst(
      (request) => {
        const code = (request.json as { security_code?: unknown }).security_code;
        if (used.has(code)) return { status: 401, body: { message: 'Invalid security code.' } };
        used.add(code);
        return token('t-fresh');
      },
      PARTNER,
      {
        now: () => now,
        sleep: (ms) => {
          now += ms;
          return Promise.resolve();
        },
      },
    );
    try {
      await expect(login.client.readKycStatus('1')).resolves.toMatchObject({ kycStatus: 'passed' });
      const codes = login.loginBodies().map((body) => body.security_code);
      expect(codes).toHaveLength(2);
      expect(new Set(codes).size).toBe(2);
      expect(login.bearers()).toEqual(['Bearer t-fresh']);
    } finally {
      await login.server.close();
    }
  });

  it('counts credentials refused in two windows in a row as refused', async () => {
    let now = 1_700_000_055_000;
    const login = await loginAgainst(
      () => ({ status: 401, body: { message: 'Invalid credentials.' } }),
      PARTNER,
      {
        now: () => now,
        sleep: (ms) => {
          now += ms;
          return Promise.resolve();
        },
      },
    );
    try {
      const failure = await failureOf(login.client.readKycStatus('1'));
      expect(failure).toMatchObject({ type: 'PartnerAuthFailed' });
      expect(login.loginBodies()).toHaveLength(2);
    } finally {
      await login.server.close();
    }
  });

  it('waits out the last second of a window rather than send a code about to expire', async () => {
    const now = 1_700_000_069_500; // 500 ms before the window ends
    const waits: number[] = [];
    const login = await loginAgainst(() => token('t'), PARTNER, {
      now: () => now,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    try {
      await login.client.readKycStatus('1');
      expect(waits).toEqual([500]);
      expect(login.loginBodies()[0]?.security_code).toBe(totpCode(PARTNER.totpSecret, now + 500));
    } finally {
      await login.server.close();
    }
  });
});
