import { createKriptomatSimulator } from '../../sandbox/kriptomat/app';
import type { KriptomatSimulator, KriptomatSimulatorOptions } from '../../sandbox/kriptomat/app';
import { NO_FAULTS } from '../../sandbox/shared/faults';
import { FakeShareTokenLedger } from '../helpers/fake-share-token-ledger';
import { delay, STATIC_TOKEN } from '../helpers/kriptomat-partner';
import { eventually } from '../helpers/temporal';

/** The simulator's own rules (faults, import checks, decisions, `/_sandbox` routes), without a port. */
let sim: KriptomatSimulator;
let ledger: FakeShareTokenLedger;

function start(options: KriptomatSimulatorOptions = {}) {
  sim.stop();
  ledger = new FakeShareTokenLedger();
  sim = createKriptomatSimulator({ accessToken: STATIC_TOKEN, ledger, decisionDelayMs: 50, ...options });
}
beforeEach(() => {
  sim = createKriptomatSimulator();
  start();
});
afterEach(() => sim.stop());

const AUTH = { authorization: `Bearer ${STATIC_TOKEN}` };
const json = { 'content-type': 'application/json' };
const showUser = (userId: string) => sim.app.request(`/api/v1/partners/users/${userId}`, { headers: AUTH });
const statusOf = async (userId: string) =>
  ((await (await showUser(userId)).json()) as { data: { kyc_status: string } }).data.kyc_status;
const importKyc = (userId: string, body: string) =>
  sim.app.request(`/v1/users/${userId}/kyc-import`, { method: 'POST', headers: { ...AUTH, ...json }, body });
const sandbox = (path: string, method = 'GET', body?: unknown) =>
  sim.app.request(`/_sandbox${path}`, {
    method,
    headers: json,
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('fault injection', () => {
  it('replaces the settings with PUT /_sandbox/faults, defaults filling the rest', async () => {
    await sandbox('/faults', 'PUT', { errorRate: 1, seed: 5 });
    const response = await sandbox('/faults', 'PUT', { rateLimitRate: 0.5 });
    expect(await response.json()).toEqual({ ...NO_FAULTS, rateLimitRate: 0.5 });
  });

  it('refuses invalid settings with 400 and keeps the old ones', async () => {
    await sandbox('/faults', 'PUT', { errorRate: 1 });
    const response = await sandbox('/faults', 'PUT', { errorRate: 2 });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('errorRate');
    expect((await showUser('passed-1')).status).toBe(500);
  });

  it('answers faults with the documented shapes, and never on /_sandbox routes', async () => {
    start({ faults: { errorRate: 1 } });
    const failed = await showUser('passed-1');
    expect([failed.status, await failed.json()]).toEqual([500, { status: false, message: 'Server Error' }]);
    expect((await sandbox('/users/passed-1', 'PUT', { kyc_status: 'failed' })).status).toBe(200);
    expect((await sandbox('/requests')).status).toBe(200);

    start({ faults: { rateLimitRate: 1, retryAfterSeconds: 9 } });
    const limited = await showUser('passed-1');
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '9']);
    expect(sim.log.requests.at(-1)).toMatchObject({ fault: 'rate_limit', status: 429 });
  });

  it('draws the same faults from the same seed, and others from another', async () => {
    const statuses = async (seed: number) => {
      start({ faults: { errorRate: 0.3, rateLimitRate: 0.3, seed } });
      const seen: number[] = [];
      for (let i = 0; i < 30; i++) seen.push((await showUser('passed-1')).status);
      return seen;
    };
    const first = await statuses(7);
    expect(new Set(first)).toEqual(new Set([200, 429, 500]));
    expect(await statuses(7)).toEqual(first);
    expect(await statuses(8)).not.toEqual(first);
  });
});

describe('KYC import', () => {
  it.each([
    ['no token', '{}'],
    ['an empty token', '{"token":""}'],
    ['a body that is not JSON', 'token=abc'],
  ])('answers %s with 422, redeeming nothing', async (_name, body) => {
    const response = await importKyc('onboard-1', body);
    expect(response.status).toBe(422);
    expect(ledger.redemptions).toEqual([]);
  });

  it('answers 404 for an unknown user, redeeming nothing', async () => {
    expect((await importKyc('unknown-1', JSON.stringify({ token: ledger.mint('unknown-1') }))).status).toBe(
      404,
    );
    expect(ledger.redemptions).toEqual([]);
  });

  it('redeems for its configured SumSub client id and the user of the path', async () => {
    start({ sumsubClientId: 'kriptomat-sbx' });
    const response = await importKyc(
      'onboard-1',
      JSON.stringify({ token: ledger.mint('onboard-1', 'kriptomat-sbx') }),
    );
    expect([response.status, await response.json()]).toEqual([200, { status: true }]);
    expect(ledger.redemptions).toEqual([
      expect.objectContaining({ forClientId: 'kriptomat-sbx', userId: 'onboard-1' }),
    ]);
  });

  it('refuses every token with 10503 when no ledger is given', async () => {
    sim.stop();
    sim = createKriptomatSimulator({ accessToken: STATIC_TOKEN });
    const response = await importKyc('onboard-1', '{"token":"_act-1"}');
    expect([response.status, await response.json()]).toEqual([
      400,
      { status: false, message: 'Share token refused.', errorCode: 10503, errorName: 'invalid-share-token' },
    ]);
  });

  it('counts calls and redeemed tokens at GET /_sandbox/requests', async () => {
    await importKyc('onboard-2', JSON.stringify({ token: ledger.mint('onboard-2') }));
    await importKyc('onboard-2', JSON.stringify({ token: ledger.mint('onboard-2') }));
    await showUser('onboard-2');
    const counts = await (await sandbox('/requests?userId=onboard-2')).json();
    expect(counts).toEqual({
      calls: { 'kriptomat.importKyc': 2, 'kriptomat.showUser': 1 },
      shareTokensRedeemed: { 'onboard-2': 1 },
      shareTokensBurnt: { 'onboard-2': 0 },
    });
  });
});

describe("Kriptomat's decision", () => {
  it('comes decisionDelayMs after the first read of a user who starts pending', async () => {
    start({ decisionDelayMs: 300 });
    await delay(350);
    expect(await statusOf('pending-1')).toBe('pending');
    await delay(100);
    expect(await statusOf('pending-1')).toBe('pending');
    await eventually(async () => ((await statusOf('pending-1')) === 'passed' ? true : undefined));
    expect(await statusOf('pending-1')).toBe('passed');
  });

  it('never comes for a pending_forever user, nor for a user a person already moved', async () => {
    await statusOf('pending_forever-1');
    await statusOf('pending-2');
    await sandbox('/users/pending-2', 'PUT', { kyc_status: 'failed' });
    await delay(100);
    expect(await statusOf('pending_forever-1')).toBe('pending');
    expect(await statusOf('pending-2')).toBe('failed');
  });

  it('is cancelled when the simulator stops', async () => {
    await statusOf('pending-3');
    sim.stop();
    await delay(100);
    expect(sim.users.get('pending-3')?.kyc_status).toBe('pending');
  });
});
