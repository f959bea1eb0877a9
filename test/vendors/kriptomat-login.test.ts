import { ConfigurationError } from '../../domain';
import { createKriptomatAuth, StaticTokenProvider } from '../../vendors/kriptomat/auth';
import { KriptomatClient } from '../../vendors/kriptomat/client';
import { LoginTokenProvider } from '../../vendors/kriptomat/login';
import type { KriptomatLoginCredentials } from '../../vendors/kriptomat/login';
import { totpCode } from '../../vendors/kriptomat/totp';
import { startKriptomatSimulator } from '../../sandbox/kriptomat/server';
import type { RunningKriptomatSimulator } from '../../sandbox/kriptomat/server';
import { delay, PARTNER, STATIC_TOKEN } from '../helpers/kriptomat-partner';
import { failureOf } from '../helpers/rejections';
import { allowLoopbackHttp } from '../helpers/recording-server';

allowLoopbackHttp();

/**
 * The login flow (credentials + TOTP) against the simulator over real HTTP, with a test account whose TOTP
 * windows last 2 s rather than 30: every login needs a later window than the last one of the account.
 */
const ACCOUNT = { ...PARTNER, totpPeriodSeconds: 2 };
const PERIOD_MS = ACCOUNT.totpPeriodSeconds * 1000;

let sim: RunningKriptomatSimulator;

beforeAll(async () => {
  sim = await startKriptomatSimulator({ credentials: ACCOUNT, accessToken: STATIC_TOKEN });
});
afterAll(() => sim.close());

function clientLoggingInAs(credentials: KriptomatLoginCredentials, baseUrl = sim.url) {
  const auth = new LoginTokenProvider({ baseUrl, credentials });
  return new KriptomatClient({ baseUrl, auth });
}

/**
 * Waits for the next TOTP window. Kriptomat may refuse a code used before, and the simulator refuses one any
 * login of the account used: a new provider (which knows only its own codes) logging in right after another
 * test's login must not land in the same window.
 */
const nextTotpWindow = () => delay(PERIOD_MS - (Date.now() % PERIOD_MS) + 50);

const loginsSince = (from: number) => sim.log.requests.slice(from).filter((r) => r.endpoint === 'login');
const callsSince = (from: number) => sim.log.requests.slice(from).filter((r) => r.endpoint !== 'login');

describe('LoginTokenProvider against the simulator', () => {
  it('logs in once with a real TOTP code and reuses the token for many calls', async () => {
    const from = sim.log.requests.length;
    const client = clientLoggingInAs(ACCOUNT);

    for (const userId of ['passed-1', 'failed-1', 'verified-1']) await client.readKycStatus(userId);

    expect(loginsSince(from)).toEqual([expect.objectContaining({ status: 200, authorized: true })]);
    expect(callsSince(from).map((r) => [r.status, r.authorized])).toEqual([
      [200, true],
      [200, true],
      [200, true],
    ]);
  });

  it('shares one login among concurrent first callers', async () => {
    await nextTotpWindow();
    const from = sim.log.requests.length;
    const client = clientLoggingInAs(ACCOUNT);

    const reads = await Promise.all(
      Array.from({ length: 12 }, (_, i) => client.readKycStatus(`passed-c${i}`)),
    );

    expect(reads.every((read) => read.kycStatus === 'passed')).toBe(true);
    expect(loginsSince(from)).toHaveLength(1);
  });

  it('logs in again once after the simulator forgets the session, and the call succeeds', async () => {
    await nextTotpWindow();
    const client = clientLoggingInAs(ACCOUNT);
    await client.readKycStatus('passed-2');
    const from = sim.log.requests.length;
    sim.sessions.revokeAll();

    await Promise.all([client.readKycStatus('passed-3'), client.readKycStatus('passed-4')]);

    expect(callsSince(from).filter((r) => r.status === 401)).toHaveLength(2);
    expect(loginsSince(from)).toHaveLength(1);
    expect(callsSince(from).filter((r) => r.status === 200)).toHaveLength(2);
    // Up to two TOTP windows: a fresh one for this provider, then the next for its second login.
  }, 95_000);

  it('refreshes a token before it expires, without a refused call', async () => {
    const shortLived = await startKriptomatSimulator({ credentials: ACCOUNT, tokenTtlSeconds: 1 });
    try {
      const client = clientLoggingInAs(ACCOUNT, shortLived.url);
      await client.readKycStatus('passed-1');
      await client.readKycStatus('passed-2');
      expect(shortLived.log.find({ endpoint: 'login' })).toHaveLength(1);

      await delay(1100);
      await client.readKycStatus('passed-3');

      expect(shortLived.log.find({ endpoint: 'login' })).toHaveLength(2);
      expect(shortLived.log.find({ status: 401 })).toEqual([]);
    } finally {
      await shortLived.close();
    }
    // Up to two TOTP windows: a fresh one for this provider, then the next for its second login.
  }, 95_000);

  it.each([
    ['a wrong TOTP secret', { totpSecret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' }, 'Invalid security code.'],
    ['a wrong password', { password: 'not-the-password' }, 'Invalid email or password.'],
    ['a wrong client secret', { clientSecret: 'not-the-secret' }, 'Invalid client credentials.'],
  ])('reports %s as PartnerAuthFailed without calling the API', async (_name, change, message) => {
    const from = sim.log.requests.length;
    const error = await failureOf(clientLoggingInAs({ ...ACCOUNT, ...change }).readKycStatus('passed-1'));

    expect(error).toMatchObject({ type: 'PartnerAuthFailed', retryable: false, context: { status: 401 } });
    expect(error.message).toBe('login refused (Kriptomat POST /api/v1/partners/auth/login, HTTP 401)');
    // Refused, then refused again with the next window's code (another worker may have used the first).
    expect(loginsSince(from).map(({ status, authorized }) => ({ status, authorized }))).toEqual([
      { status: 401, authorized: false },
      { status: 401, authorized: false },
    ]);
    expect(callsSince(from)).toEqual([]);
    // The simulator says which kind of field was wrong; the client's error stays generic.
    const answer = await fetch(`${sim.url}/api/v1/partners/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(loginBodyOf({ ...ACCOUNT, ...change })),
    });
    expect(await answer.json()).toEqual({ status: false, message });
  });

  it('still accepts the static token next to login sessions', async () => {
    const client = new KriptomatClient({ baseUrl: sim.url, auth: new StaticTokenProvider(STATIC_TOKEN) });
    expect(await client.readKycStatus('declined-1')).toMatchObject({ kycStatus: 'declined' });
  });
});

describe('createKriptomatAuth', () => {
  it('prefers a static token', () => {
    const auth = createKriptomatAuth({ baseUrl: sim.url, accessToken: STATIC_TOKEN, credentials: ACCOUNT });
    expect(auth).toBeInstanceOf(StaticTokenProvider);
    expect(auth.refreshable).toBe(false);
  });

  it('logs in with the credentials when no static token is given', async () => {
    const auth = createKriptomatAuth({ baseUrl: sim.url, credentials: ACCOUNT });
    expect(auth).toBeInstanceOf(LoginTokenProvider);
    const client = new KriptomatClient({ baseUrl: sim.url, auth });
    expect(await client.readKycStatus('passed-9')).toMatchObject({ kycStatus: 'passed' });
  });

  it('refuses a configuration with neither, naming what is missing', () => {
    const configure = () => createKriptomatAuth({ baseUrl: sim.url });
    expect(configure).toThrow(ConfigurationError);
    expect(configure).toThrow(/either a static access token or the login credentials/);
  });
});

/** The documented login body, for asking the simulator directly. */
function loginBodyOf(credentials: KriptomatLoginCredentials) {
  return {
    email: credentials.email,
    password: credentials.password,
    security_code: totpCode(credentials.totpSecret, Date.now(), credentials.totpPeriodSeconds),
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
  };
}
