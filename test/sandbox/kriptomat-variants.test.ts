import { startKriptomatSimulator } from '../../sandbox/kriptomat/server';
import type { RunningKriptomatSimulator } from '../../sandbox/kriptomat/server';
import type { KriptomatSimulatorOptions } from '../../sandbox/kriptomat/app';
import { totpAt, totpKeyFromBase32 } from '../../sandbox/kriptomat/totp';
import { FakeShareTokenLedger } from '../helpers/fake-share-token-ledger';
import { PARTNER, STATIC_TOKEN } from '../helpers/kriptomat-partner';
import { startWebhookReceiver, waitFor } from '../helpers/sumsub';

/**
 * Kriptomat's undocumented answers (docs/vendor-apis.md, "Other documented variants" and "Answers the seed does
 * not show") over real HTTP, with raw requests: login variants, TOTP replay, refused imports, loose profiles,
 * unknown EDD values and Kriptomat's own webhook.
 */
let sim: RunningKriptomatSimulator;
let ledger: FakeShareTokenLedger;
afterEach(() => sim?.close());

async function start(options: KriptomatSimulatorOptions = {}) {
  ledger = new FakeShareTokenLedger();
  sim = await startKriptomatSimulator({
    accessToken: STATIC_TOKEN,
    credentials: PARTNER,
    ledger,
    decisionDelayMs: 30,
    ...options,
  });
}

const KEY = totpKeyFromBase32(PARTNER.totpSecret);
const codeAt = (ms: number) => totpAt(KEY, ms);
const json = { 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' };
const bearer = (token: string) => ({ ...json, authorization: `Bearer ${token}` });

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.startsWith('application/json');
  return { status: response.status, body: (isJson ? JSON.parse(text) : text || null) as unknown };
}

const login = (overrides: Record<string, unknown> = {}) =>
  call('POST', '/api/v1/partners/auth/login', json, {
    email: PARTNER.email,
    password: PARTNER.password,
    security_code: codeAt(Date.now()),
    client_id: PARTNER.clientId,
    client_secret: PARTNER.clientSecret,
    ...overrides,
  });
const showUser = (userId: string, token = STATIC_TOKEN) =>
  call('GET', `/api/v1/partners/users/${userId}`, bearer(token));
const importKyc = (userId: string, token: string, auth = STATIC_TOKEN) =>
  call('POST', `/v1/users/${userId}/kyc-import`, bearer(auth), { token });

describe('login', () => {
  it('refuses a second login with a code whose 30 s step was already used (RFC 6238 §5.2)', async () => {
    await start();
    const code = codeAt(Date.now());
    expect((await login({ security_code: code })).status).toBe(200);
    expect(await login({ security_code: code })).toEqual({
      status: 401,
      body: { status: false, message: 'The security code was already used.' },
    });
    // The previous step's code is older still: refused as a replay too, not accepted as "within the window".
    expect((await login({ security_code: codeAt(Date.now() - 30_000) })).status).toBe(401);
  });

  it('accepts a later step after an earlier one', async () => {
    const now = 1_700_000_025_000;
    jest.spyOn(Date, 'now').mockReturnValue(now);
    try {
      await start();
      expect((await login({ security_code: codeAt(now - 30_000) })).status).toBe(200);
      expect((await login({ security_code: codeAt(now) })).status).toBe(200);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it.each([
    ['either', 'a string', '5', 200],
    ['either', 'an integer', 5, 200],
    ['integer', 'an integer', 5, 200],
    ['integer', 'a string', '5', 422],
    ['string', 'an integer', 5, 422],
  ] as const)(
    'with loginClientId %s, takes client_id as %s (%p): %i',
    async (form, _kind, clientId, status) => {
      await start({ credentials: { ...PARTNER, clientId: '5' }, loginClientId: form });
      expect((await login({ client_id: clientId })).status).toBe(status);
    },
  );

  it('answers top level by default, or wrapped with a numeric-string expires_in', async () => {
    await start();
    expect((await login()).body).toEqual({
      access_token: expect.any(String) as string,
      token_type: 'bearer',
      expires_in: 3600,
    });
    await sim.close();
    await start({ loginAnswer: 'wrapped' });
    const wrapped = await login();
    expect(wrapped.body).toEqual({
      status: true,
      data: { access_token: expect.any(String) as string, token_type: 'bearer', expires_in: '3600' },
    });
    const { access_token } = (wrapped.body as { data: { access_token: string } }).data;
    expect((await showUser('passed-1', access_token)).status).toBe(200);
  });
});

describe('paths', () => {
  it('serves show user at v1/users/{user_id} when configured, and no longer at the default', async () => {
    await start({ paths: { showUser: '/v1/users/{user_id}' } });
    expect(await call('GET', '/v1/users/passed-1', bearer(STATIC_TOKEN))).toMatchObject({
      status: 200,
      body: { status: true, data: { kyc_status: 'passed' } },
    });
    expect((await showUser('passed-1')).status).toBe(404);
  });
});

describe('refused imports', () => {
  it('import_refused-*: the first import burns its token and answers the plain 422; a fresh token then imports', async () => {
    await start();
    const first = ledger.mint('import_refused-1');
    expect(await importKyc('import_refused-1', first)).toEqual({
      status: 422,
      body: { status: false, message: 'The token is invalid.' },
    });
    expect((await showUser('import_refused-1')).body).toMatchObject({ data: { kyc_status: 'not_started' } });
    // Burnt: the same token again is refused by the ledger (401 used), and a fresh one imports.
    expect((await importKyc('import_refused-1', first)).status).toBe(401);
    expect(await importKyc('import_refused-1', ledger.mint('import_refused-1'))).toEqual({
      status: 200,
      body: { status: true },
    });
    expect(sim.log.shareTokensBurnt.get('import_refused-1')).toBe(1);
    expect(sim.log.shareTokensRedeemed.get('import_refused-1')).toBe(1);
    await waitFor(async () => {
      const { body } = await showUser('import_refused-1');
      return (body as { data: { kyc_status: string } }).data.kyc_status === 'passed';
    });
  });

  it('import_unauthorized-*: the first import answers 401, burns its token and ends the session', async () => {
    await start();
    const session = ((await login()).body as { access_token: string }).access_token;
    expect(await importKyc('import_unauthorized-1', ledger.mint('import_unauthorized-1'), session)).toEqual({
      status: 401,
      body: { message: 'Unauthenticated.' },
    });
    expect((await showUser('import_unauthorized-1', session)).status).toBe(401);
    expect(sim.log.shareTokensBurnt.get('import_unauthorized-1')).toBe(1);
    jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 30_000);
    try {
      const next = ((await login()).body as { access_token: string }).access_token;
      const token = ledger.mint('import_unauthorized-1');
      expect((await importKyc('import_unauthorized-1', token, next)).status).toBe(200);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('refuses nothing for other users, and an invalid token of a refusing user keeps the refusal for later', async () => {
    await start();
    expect((await importKyc('import_refused-2', 'not-a-token')).status).toBe(400);
    expect((await importKyc('import_refused-2', ledger.mint('import_refused-2'))).status).toBe(422);
    expect((await importKyc('onboard-1', ledger.mint('onboard-1'))).status).toBe(200);
  });
});

describe('profiles and EDD values', () => {
  it('loose_profile-*: numbers, nulls and an undocumented field in the profile, statuses as onboard', async () => {
    await start();
    const { body } = await showUser('loose_profile-1');
    expect(body).toMatchObject({
      status: true,
      data: {
        postal_code: 11000,
        building_number: 12,
        middle_name: null,
        referral_tier: 2,
        kyc_status: 'not_started',
        edd_status: '',
      },
    });
  });

  it('edd_in_review-*: passed, with the undocumented edd_status in_review', async () => {
    await start();
    expect((await showUser('edd_in_review-1')).body).toMatchObject({
      data: { kyc_status: 'passed', edd_status: 'in_review' },
    });
  });
});

describe("Kriptomat's own webhook", () => {
  it("posts the applicantReviewed JSON, unsigned, with Kriptomat's applicant id, on each decision", async () => {
    const receiver = await startWebhookReceiver();
    const secretPath = 'secret-path-token-DO-NOT-LOG-41c7';
    const url = receiver.url.replace('/webhooks/sumsub', `/webhooks/kriptomat/${secretPath}`);
    try {
      await start({ webhookUrl: url });
      await importKyc('onboard_declined-wh-1', ledger.mint('onboard_declined-wh-1'));
      await importKyc('onboard-wh-1', ledger.mint('onboard-wh-1'));
      await waitFor(() => receiver.received.length >= 2, 5_000, 'two Kriptomat webhooks');
      const bodies = receiver.bodies();
      const createdAtMs = expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/) as string;
      const applicantId = expect.stringMatching(/^km-[0-9a-f]{16}$/) as string;
      const reviewed = (externalUserId: string, reviewAnswer: string) => ({
        type: 'applicantReviewed',
        applicantId,
        externalUserId,
        reviewStatus: 'completed',
        reviewResult: { reviewAnswer },
        createdAtMs,
      });
      expect(bodies).toHaveLength(2);
      expect(bodies).toEqual(
        expect.arrayContaining([reviewed('onboard-wh-1', 'GREEN'), reviewed('onboard_declined-wh-1', 'RED')]),
      );
      expect(bodies[0]?.applicantId).not.toBe(bodies[1]?.applicantId);
      for (const webhook of receiver.received) {
        expect(webhook.headers['content-type']).toBe('application/json');
        expect(Object.keys(webhook.headers).filter((name) => /digest|signature/i.test(name))).toEqual([]);
      }
      await waitFor(() => sim.log.webhooks.length >= 2, 5_000, 'the log');
      expect(sim.log.webhooks.map((w) => [w.service, w.type, w.status]).sort()).toEqual([
        ['kriptomat', 'applicantReviewed', 200],
        ['kriptomat', 'applicantReviewed', 200],
      ]);
      expect(JSON.stringify(sim.log)).not.toContain(secretPath);
    } finally {
      await receiver.close();
    }
  });

  it('announces a decision a person makes through /_sandbox/users, and nothing without a URL', async () => {
    const receiver = await startWebhookReceiver();
    try {
      await start({ webhookUrl: receiver.url });
      await call('PUT', '/_sandbox/users/pending_forever-wh-2', json, { kyc_status: 'failed' });
      await waitFor(() => receiver.received.length >= 1, 5_000, 'a webhook');
      expect(receiver.bodies()[0]).toMatchObject({
        externalUserId: 'pending_forever-wh-2',
        reviewResult: { reviewAnswer: 'RED' },
      });
      await sim.close();
      await start();
      await call('PUT', '/_sandbox/users/pending_forever-wh-3', json, { kyc_status: 'passed' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sim.log.webhooks).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
