import { StaticTokenProvider } from '../../vendors/kriptomat/auth';
import { KriptomatClient } from '../../vendors/kriptomat/client';
import { startKriptomatSimulator } from '../../sandbox/kriptomat/server';
import type { RunningKriptomatSimulator } from '../../sandbox/kriptomat/server';
import { FakeShareTokenLedger } from '../helpers/fake-share-token-ledger';
import { STATIC_TOKEN } from '../helpers/kriptomat-partner';
import { startScriptedServer } from '../helpers/scripted-server';
import type { ScriptedReply } from '../helpers/scripted-server';
import { failureOf } from '../helpers/rejections';
import { allowLoopbackHttp } from '../helpers/recording-server';

allowLoopbackHttp();

/** How the client classifies every kind of failure, produced by the simulator's faults where it can. */
let sim: RunningKriptomatSimulator;
let ledger: FakeShareTokenLedger;
let client: KriptomatClient;

beforeAll(async () => {
  ledger = new FakeShareTokenLedger();
  sim = await startKriptomatSimulator({ accessToken: STATIC_TOKEN, ledger });
  client = new KriptomatClient({
    baseUrl: sim.url,
    auth: new StaticTokenProvider(STATIC_TOKEN),
    timeoutMs: 250,
  });
});
afterEach(() => sim.setFaults({}));
afterAll(() => sim.close());

const lastEntry = () => sim.log.requests.at(-1);

describe('KriptomatClient against injected faults', () => {
  it('reports a 500 as PartnerUnavailable, retryable', async () => {
    sim.setFaults({ errorRate: 1 });
    const error = await failureOf(client.readKycStatus('passed-1'));
    expect(error).toMatchObject({ type: 'PartnerUnavailable', retryable: true, context: { status: 500 } });
    expect(lastEntry()).toMatchObject({
      endpoint: 'showUser',
      status: 500,
      fault: 'error',
      authorized: true,
    });
  });

  it('reports a 429 as RateLimited with the Retry-After in milliseconds', async () => {
    sim.setFaults({ rateLimitRate: 1, retryAfterSeconds: 7 });
    const error = await failureOf(client.readKycStatus('passed-1'));
    expect(error).toMatchObject({ type: 'RateLimited', retryable: true, retryAfterMs: 7000 });
    expect(lastEntry()).toMatchObject({ status: 429, fault: 'rate_limit' });
  });

  it('reports a hung call as PartnerUnavailable once the client times out', async () => {
    // The simulator holds the call far longer than the client's 250 ms, so only the client's timeout ends it.
    sim.setFaults({ timeoutRate: 1, hangMs: 5_000 });
    const error = await failureOf(client.readKycStatus('passed-1'));
    expect(error).toMatchObject({ type: 'PartnerUnavailable', retryable: true });
    expect(error.message).toMatch(/ECONNABORTED|ETIMEDOUT/);
    expect(error.context?.status).toBeUndefined();
  });

  it('drops a hung connection after hangMs, logged without a status', async () => {
    sim.setFaults({ timeoutRate: 1, hangMs: 100 });
    const patient = new KriptomatClient({ baseUrl: sim.url, auth: new StaticTokenProvider(STATIC_TOKEN) });
    const error = await failureOf(patient.readKycStatus('passed-1'));
    expect(error).toMatchObject({ type: 'PartnerUnavailable', retryable: true });
    expect(error.message).toMatch(/^no usable response/);
    expect(lastEntry()).toMatchObject({ status: 0, fault: 'timeout' });
  });

  it('delays answers by latencyMs, which a short client timeout turns into a failure', async () => {
    sim.setFaults({ latencyMs: 400 });
    expect(await failureOf(client.readKycStatus('passed-1'))).toMatchObject({ type: 'PartnerUnavailable' });
    sim.setFaults({ latencyMs: 100 });
    const startedAt = Date.now();
    expect(await client.readKycStatus('passed-1')).toMatchObject({ kycStatus: 'passed' });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(95);
  });

  it('fails an import before redeeming its token', async () => {
    sim.setFaults({ errorRate: 1 });
    const token = ledger.mint('onboard-f1');
    expect(await failureOf(client.importKyc('onboard-f1', token))).toMatchObject({
      type: 'PartnerUnavailable',
    });
    expect(ledger.redemptions).toEqual([]);
    sim.setFaults({});
    await client.importKyc('onboard-f1', token);
    expect(sim.log.importsOf('onboard-f1')).toBe(1);
  });

  it('reports a refused token as PartnerAuthFailed (401)', async () => {
    const wrong = new KriptomatClient({ baseUrl: sim.url, auth: new StaticTokenProvider('stale') });
    expect(await failureOf(wrong.importKyc('onboard-f2', ledger.mint('onboard-f2')))).toMatchObject({
      type: 'PartnerAuthFailed',
      context: { status: 401 },
    });
    expect(lastEntry()).toMatchObject({ endpoint: 'importKyc', status: 401, authorized: false });
  });
});

describe('KriptomatClient against statuses the simulator never sends', () => {
  const cases: [string, ScriptedReply, object][] = [
    [
      'a 403',
      { status: 403, body: '{"message":"Forbidden"}' },
      { type: 'PartnerAuthFailed', retryable: false },
    ],
    ['a 408', { status: 408 }, { type: 'PartnerUnavailable', retryable: true }],
    [
      'a 502',
      { status: 502, body: '<html>bad gateway</html>' },
      { type: 'PartnerUnavailable', retryable: true },
    ],
    ['a 410', { status: 410 }, { type: 'PartnerRejected', retryable: false }],
    [
      'a 429 with an HTTP date',
      { status: 429, headers: { 'retry-after': 'x' } },
      { retryAfterMs: undefined },
    ],
  ];

  it.each(cases)('classifies %s on both endpoints', async (_name, reply, expected) => {
    const server = await startScriptedServer(() => reply);
    try {
      const scripted = new KriptomatClient({
        baseUrl: server.url,
        auth: new StaticTokenProvider(STATIC_TOKEN),
      });
      expect(await failureOf(scripted.readKycStatus('passed-1'))).toMatchObject(expected);
      expect(await failureOf(scripted.importKyc('onboard-1', 'token'))).toMatchObject(expected);
    } finally {
      await server.close();
    }
  });
});
