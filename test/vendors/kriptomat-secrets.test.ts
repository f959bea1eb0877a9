import { toApplicationFailure } from '../../activities/failures';
import { StaticTokenProvider } from '../../vendors/kriptomat/auth';
import { KriptomatClient } from '../../vendors/kriptomat/client';
import { LoginTokenProvider } from '../../vendors/kriptomat/login';
import { totpCode } from '../../vendors/kriptomat/totp';
import { startKriptomatSimulator } from '../../sandbox/kriptomat/server';
import type { RunningKriptomatSimulator } from '../../sandbox/kriptomat/server';
import { SHARE_TOKEN_ERRORS } from '../../sandbox/shared/share-tokens';
import { FakeShareTokenLedger } from '../helpers/fake-share-token-ledger';
import { PARTNER, STATIC_TOKEN } from '../helpers/kriptomat-partner';
import { allowLoopbackHttp } from '../helpers/recording-server';

allowLoopbackHttp();

/**
 * A run through every Kriptomat path, successful and failing, while everything the client and the simulator
 * print, log or throw is captured: none of it may hold a credential, a token, a TOTP code or a profile field.
 */
let sim: RunningKriptomatSimulator;
/** A test account with 2 s TOTP windows: a refused login is tried again in the next window, not 30 s later. */
const ACCOUNT = { ...PARTNER, totpPeriodSeconds: 2 };
const ledger = new FakeShareTokenLedger();
const printed: string[] = [];
const thrown: string[] = [];
const issuedTokens: string[] = [];
const codes = new Set<string>();

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest
      .spyOn(console, method)
      .mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    jest.spyOn(stream, 'write').mockImplementation((chunk: unknown, ...rest: unknown[]) => {
      printed.push(String(chunk));
      return write(chunk, ...rest);
    });
  }
  sim = await startKriptomatSimulator({
    accessToken: STATIC_TOKEN,
    credentials: ACCOUNT,
    ledger,
    decisionDelayMs: 50,
  });
  const issue = sim.sessions.issue.bind(sim.sessions);
  jest.spyOn(sim.sessions, 'issue').mockImplementation(() => {
    const session = issue();
    issuedTokens.push(session.access_token);
    return session;
  });
});
afterAll(async () => {
  jest.restoreAllMocks();
  await sim.close();
});

async function attempt(call: () => Promise<unknown>): Promise<void> {
  codes.add(totpCode(ACCOUNT.totpSecret, Date.now(), ACCOUNT.totpPeriodSeconds));
  try {
    await call();
  } catch (error) {
    const failure = toApplicationFailure(error);
    thrown.push(String(error), (error as Error).stack ?? '', JSON.stringify(error), JSON.stringify(failure));
  }
}

test('nothing secret or personal is printed, logged or thrown', async () => {
  const loginClient = new KriptomatClient({
    baseUrl: sim.url,
    auth: new LoginTokenProvider({ baseUrl: sim.url, credentials: ACCOUNT }),
  });
  const staticClient = new KriptomatClient({ baseUrl: sim.url, auth: new StaticTokenProvider(STATIC_TOKEN) });
  const shareTokens = ['onboard-s1', 'onboard-s2', 'unknown-s3'].map((userId) => ledger.mint(userId));
  const refused = ledger.mint('onboard-s4');
  ledger.refuse(refused, SHARE_TOKEN_ERRORS.notInPartnersList);

  for (const userId of ['passed-s', 'pending-s', 'malformed-s', 'unknown-s', 'edd_required-s']) {
    await attempt(() => loginClient.getUser(userId));
    await attempt(() => staticClient.readKycStatus(userId));
  }
  await attempt(() => loginClient.importKyc('onboard-s1', shareTokens[0]!));
  await attempt(() => loginClient.importKyc('onboard-s1', shareTokens[1]!));
  await attempt(() => loginClient.importKyc('unknown-s3', shareTokens[2]!));
  await attempt(() => staticClient.importKyc('onboard-s4', refused));
  sim.sessions.revokeAll();
  await attempt(() => loginClient.readKycStatus('passed-s'));
  for (const change of [{ password: 'wrong-Pass-1' }, { totpSecret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' }]) {
    const auth = new LoginTokenProvider({ baseUrl: sim.url, credentials: { ...ACCOUNT, ...change } });
    await attempt(() => new KriptomatClient({ baseUrl: sim.url, auth }).readKycStatus('passed-s'));
  }
  await attempt(() =>
    new KriptomatClient({ baseUrl: sim.url, auth: new StaticTokenProvider('stale-Tok-42') }).getUser(
      'passed-s',
    ),
  );
  sim.setFaults({ errorRate: 0.5, rateLimitRate: 0.5 });
  for (let i = 0; i < 4; i++) await attempt(() => staticClient.getUser('passed-s'));
  sim.setFaults({});
  const counts = await (await fetch(`${sim.url}/_sandbox/requests`)).text();

  // The run went through the paths it means to: logins, refusals and faults did happen.
  expect(issuedTokens.length).toBeGreaterThanOrEqual(2);
  expect(thrown.length).toBeGreaterThanOrEqual(4 * 10);
  // Two refused logins, each tried again with the next window's code.
  expect(sim.log.find({ endpoint: 'login', status: 401 })).toHaveLength(4);

  const everything = [...printed, ...thrown, JSON.stringify(sim.log.requests), counts].join('\n');
  const secrets = [
    STATIC_TOKEN,
    'stale-Tok-42',
    PARTNER.clientSecret,
    PARTNER.password,
    'wrong-Pass-1',
    PARTNER.totpSecret,
    'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    PARTNER.email,
    ...issuedTokens,
    ...shareTokens,
    refused,
  ];
  const personal = [
    'sandbox.invalid',
    'Sandy',
    'Box-',
    '+10000000000',
    'Sandbox street',
    '1990-01-01',
    '60306',
  ];
  for (const value of [...secrets, ...personal]) expect(everything).not.toContain(value);
  // Codes are six digits: look for them only where no timestamp could hold them by chance.
  const withoutNumbers = everything.replace(/\d{7,}/g, '#');
  for (const code of codes) expect(withoutNumbers).not.toMatch(new RegExp(`(^|\\D)${code}(\\D|$)`));
});
