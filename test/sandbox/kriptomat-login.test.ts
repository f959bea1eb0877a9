import { totpAt, totpKeyFromBase32 } from '../../sandbox/kriptomat/totp';
import { createKriptomatSimulator } from '../../sandbox/kriptomat/app';
import type { KriptomatSimulator } from '../../sandbox/kriptomat/app';
import { startKriptomatSimulator } from '../../sandbox/kriptomat/server';
import { PARTNER, STATIC_TOKEN } from '../helpers/kriptomat-partner';

/** The simulator's login and bearer-token rules, through injected requests (no port) at a fixed clock. */
/** Codes from the simulator's own TOTP, which test/sandbox/known-answers.test.ts proves against RFC 6238. */
const totpCode = (secret: string, atMs: number) => totpAt(totpKeyFromBase32(secret), atMs);
const NOW = 1_700_000_025_000; // 15 s into a 30 s TOTP step
let sim: KriptomatSimulator;

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  sim = createKriptomatSimulator({ accessToken: STATIC_TOKEN, credentials: PARTNER, tokenTtlSeconds: 60 });
});
afterEach(() => {
  sim.stop();
  jest.restoreAllMocks();
});

function loginBody(overrides: Record<string, unknown> = {}) {
  return {
    email: PARTNER.email,
    password: PARTNER.password,
    security_code: totpCode(PARTNER.totpSecret, NOW),
    client_id: PARTNER.clientId,
    client_secret: PARTNER.clientSecret,
    ...overrides,
  };
}

const login = (body: unknown) =>
  sim.app.request('/api/v1/partners/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const showUser = (authorization?: string) =>
  sim.app.request('/api/v1/partners/users/passed-1', {
    headers: authorization ? { authorization } : {},
  });

describe('Kriptomat simulator login', () => {
  it('issues a bearer token for the right credentials and code, which then opens the API', async () => {
    const response = await login(loginBody());
    const session = (await response.json()) as { access_token: string };

    expect(response.status).toBe(200);
    expect(session.access_token).toMatch(/^\S{20,}$/);
    expect(session).toEqual({ access_token: session.access_token, token_type: 'bearer', expires_in: 60 });
    expect((await showUser(`Bearer ${session.access_token}`)).status).toBe(200);
    expect(sim.log.requests.map((r) => [r.endpoint, r.status, r.authorized, r.userId])).toEqual([
      ['login', 200, true, null],
      ['showUser', 200, true, 'passed-1'],
    ]);
  });

  it.each([
    ['the previous step', 200, NOW - 30_000],
    ['two steps ago', 401, NOW - 60_000],
    ['the next step', 401, NOW + 30_000],
  ])('answers a code of %s with %i', async (_name, status, codeTime) => {
    const response = await login(loginBody({ security_code: totpCode(PARTNER.totpSecret, codeTime) }));
    expect(response.status).toBe(status);
  });

  it.each([
    ['client_id', 'Invalid client credentials.'],
    ['client_secret', 'Invalid client credentials.'],
    ['email', 'Invalid email or password.'],
    ['password', 'Invalid email or password.'],
  ])('refuses a wrong %s, naming the kind of field only', async (field, message) => {
    const response = await login(loginBody({ [field]: 'wrong-value-x' }));
    const text = await response.text();
    expect(response.status).toBe(401);
    expect(JSON.parse(text)).toEqual({ status: false, message });
    expect(text).not.toContain('wrong-value-x');
  });

  it('refuses a wrong code as an invalid security code', async () => {
    const wrong = totpCode(PARTNER.totpSecret, NOW) === '000000' ? '111111' : '000000';
    expect(await (await login(loginBody({ security_code: wrong }))).json()).toEqual({
      status: false,
      message: 'Invalid security code.',
    });
  });

  it.each([
    ['a missing field', loginBody({ password: undefined }), ['password']],
    ['a code that is not six digits', loginBody({ security_code: 123456 }), ['security_code']],
    ['a body that is not JSON', 'email=x', ['(body)']],
  ])('answers %s with 422 and the field names', async (_name, body, fields) => {
    const response = await login(body);
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ status: false, message: 'The given data was invalid.', fields });
  });

  it('refuses every login when no partner account is configured', async () => {
    sim = createKriptomatSimulator({ accessToken: STATIC_TOKEN });
    expect((await login(loginBody())).status).toBe(401);
  });

  it('refuses to start with an unusable TOTP secret', async () => {
    await expect(
      startKriptomatSimulator({ credentials: { ...PARTNER, totpSecret: 'short' } }),
    ).rejects.toThrow(/TOTP secret/);
  });
});

describe('Kriptomat simulator bearer tokens', () => {
  const UNAUTHENTICATED = { status: false, message: 'Unauthenticated.' };

  it('accepts the static token', async () => {
    expect((await showUser(`Bearer ${STATIC_TOKEN}`)).status).toBe(200);
  });

  it.each([
    ['no token', undefined],
    ['an unknown token', 'Bearer not-a-token'],
    ['another scheme', `Basic ${STATIC_TOKEN}`],
  ])('answers %s with 401 Unauthenticated.', async (_name, authorization) => {
    const response = await showUser(authorization);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(UNAUTHENTICATED);
    expect(sim.log.requests.at(-1)).toMatchObject({ status: 401, authorized: false });
  });

  it('stops accepting an issued token once its TTL has passed', async () => {
    const { access_token } = (await (await login(loginBody())).json()) as { access_token: string };
    jest.spyOn(Date, 'now').mockReturnValue(NOW + 59_000);
    expect((await showUser(`Bearer ${access_token}`)).status).toBe(200);
    jest.spyOn(Date, 'now').mockReturnValue(NOW + 60_000);
    expect(await (await showUser(`Bearer ${access_token}`)).json()).toEqual(UNAUTHENTICATED);
  });

  it('forgets issued tokens on DELETE /_sandbox/sessions, but keeps the static one', async () => {
    const { access_token } = (await (await login(loginBody())).json()) as { access_token: string };
    expect((await sim.app.request('/_sandbox/sessions', { method: 'DELETE' })).status).toBe(204);
    expect((await showUser(`Bearer ${access_token}`)).status).toBe(401);
    expect((await showUser(`Bearer ${STATIC_TOKEN}`)).status).toBe(200);
  });
});
