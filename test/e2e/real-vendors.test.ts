import { startOrJoinCase } from '../../client/kyc-cases';
import { EDD_STATUS, kycWorkflowId } from '../../domain';
import type { KycCaseState } from '../../domain';
import type { ApiEngine } from '../helpers/api-engine';
import { startApiEngine } from '../helpers/api-engine';
import { firstListed, ONBOARDING_PHASES, phasesOf } from '../helpers/cases';
import { loginWorkerEnv } from '../helpers/kriptomat-partner';

/**
 * The vendors as they really behave (docs/vendor-apis.md), end to end: the real worker and API against both
 * simulators, which share no code with the clients. Each case is a behaviour that broke the engine before:
 * SumSub's transaction-monitoring events, REDs without a reject type, refused share tokens, Kriptomat's loose
 * profiles and undocumented EDD values, the 409 of an existing applicant, and Kriptomat's own webhook. The whole
 * file runs with the documented variants the clients must cope with: no `x-payload-digest-alg` header on
 * SumSub's webhooks, the `v1/users/{user_id}` show-user path, a numeric client id and a wrapped login answer.
 */
const LOGIN = {
  clientId: '5',
  clientSecret: 'real-vendors-client-secret',
  email: 'partner@sandbox.invalid',
  password: 'real-vendors-password',
  totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DP',
  // A test account with 2 s TOTP windows: a second login waits for the next window, not for 30 s.
  totpPeriodSeconds: 2,
};
const KRIPTOMAT_WEBHOOK_TOKEN = 'kriptomat-hook-0123456789abcdef0123456789';
const SHOW_USER_PATH = '/v1/users/{user_id}';

let engine: ApiEngine;
beforeAll(async () => {
  engine = await startApiEngine(
    'real-vendors',
    {
      credentials: { kriptomatLogin: LOGIN },
      omitDigestAlgHeader: true,
      kriptomatPaths: { showUser: SHOW_USER_PATH },
      loginClientId: 'integer',
      loginAnswer: 'wrapped',
    },
    { KRIPTOMAT_WEBHOOK_TOKEN },
    {
      KRIPTOMAT_TOKEN: undefined,
      ...loginWorkerEnv(LOGIN),
      KRIPTOMAT_SHOW_USER_PATH: SHOW_USER_PATH,
    },
  );
}, 120_000);
afterAll(async () => engine?.stop());

let count = 0;
const userOf = (prefix: string) => `${prefix}-${Date.now()}-${++count}`;

/** Starts the case through the partner API and waits for its end. */
async function finished(userId: string): Promise<KycCaseState> {
  const started = await engine.api('PUT', `/v1/cases/${userId}`);
  expect(started.status).toBeLessThan(300);
  return engine.client.workflow.getHandle(kycWorkflowId(userId)).result() as Promise<KycCaseState>;
}

const webhooksOf = (userId: string, service: 'sumsub' | 'kriptomat') =>
  engine.sandbox.log.webhooks.filter((hook) => hook.userId === userId && hook.service === service);

it('a transaction-monitoring RED+FINAL while the review is pending rejects nobody; GREEN approves', async () => {
  const userId = userOf('kyt');
  const result = await finished(userId);

  expect(phasesOf(result)).toEqual([...ONBOARDING_PHASES, 'approved']);
  const delivered = webhooksOf(userId, 'sumsub');
  expect(delivered.map((hook) => hook.type)).toEqual(
    expect.arrayContaining([
      'applicantKytTxnRejected',
      'applicantKytTxnAwaitingUser',
      'applicantPersonalInfoChanged',
      'applicantReviewed',
    ]),
  );
  // Every signed delivery, even of a type the engine ignores, is acknowledged: SumSub has nothing to redeliver.
  const answered = delivered.filter((hook) => !hook.dropped).map((hook) => hook.status ?? 0);
  expect(answered.filter((status) => status < 200 || status >= 300)).toEqual([]);
  expect(engine.sandbox.log.importsOf(userId)).toBe(1);
});

it('a RED without a reject type is not final: the case waits, then shares on GREEN', async () => {
  const userId = userOf('kyc_red_untyped');
  const result = await finished(userId);

  expect(result.outcome).toBe('approved');
  expect(phasesOf(result)).not.toContain('rejected');
});

it('a share token refused in a plain 422 is replaced by a fresh one, never sent twice', async () => {
  const userId = userOf('import_refused');
  const result = await finished(userId);

  expect(result.outcome).toBe('approved');
  const { log } = engine.sandbox;
  expect(log.shareTokensBurnt.get(userId)).toBe(1);
  expect(log.shareTokensRedeemed.get(userId)).toBe(1);
  expect(log.shareTokensMinted.get(userId)).toBe(2);
  expect(log.importsOf(userId)).toBe(1);
});

it('a 401 on the import logs in again, in a later TOTP window, and imports with a fresh token', async () => {
  const userId = userOf('import_unauthorized');
  const loginsBefore = engine.sandbox.log.find({
    service: 'kriptomat',
    endpoint: 'login',
    status: 200,
  }).length;
  const result = await finished(userId);

  expect(result.outcome).toBe('approved');
  const { log } = engine.sandbox;
  expect(log.find({ service: 'kriptomat', endpoint: 'login', status: 200 }).length).toBeGreaterThan(
    loginsBefore,
  );
  // The simulator refuses a TOTP code used before: every login the engine made was in a window of its own.
  expect(log.find({ service: 'kriptomat', endpoint: 'login', status: 401 })).toEqual([]);
  expect(log.shareTokensBurnt.get(userId)).toBe(1);
  expect(log.shareTokensRedeemed.get(userId)).toBe(1);
}, 90_000);

it('numbers and nulls in profile fields the engine does not decide on are no contract error', async () => {
  const result = await finished(userOf('loose_profile'));
  expect(result).toMatchObject({ outcome: 'approved', lastError: null });
});

it('an undocumented edd_status is recorded and shown, and decides nothing', async () => {
  const userId = userOf('edd_in_review');
  const result = await finished(userId);

  expect(result).toMatchObject({ outcome: 'approved', eddStatus: 'in_review' });
  const listed = await firstListed(
    engine.client,
    `WorkflowId="${kycWorkflowId(userId)}" AND EddStatus="in_review"`,
  );
  expect(listed.typedSearchAttributes.get(EDD_STATUS)).toBe('in_review');
});

it.each(['applicant_exists', 'applicant_exists_no_id'])(
  'a 409 on creating the applicant (%s) finds the existing one',
  async (prefix) => {
    const userId = userOf(prefix);
    const result = await finished(userId);
    expect(result.outcome).toBe('approved');
    expect(engine.sandbox.log.importsOf(userId)).toBe(1);
  },
);

it("Kriptomat's own webhook wakes the case to read its decision, long before the next poll", async () => {
  const userId = userOf('pending');
  // The next scheduled read is an hour away: only the webhook can end this case within the test.
  const handle = await startOrJoinCase(engine.client, userId, {
    taskQueue: engine.taskQueue,
    timings: { pollSchedule: ['1h'] },
  });
  const result = await handle.result();

  expect(result).toMatchObject({ outcome: 'approved', kycStatus: 'passed' });
  expect(webhooksOf(userId, 'kriptomat').map((hook) => hook.status)).toEqual([202]);
  expect(result.kriptomatChecks).toBeLessThanOrEqual(3);
  // The URL's token is a credential: never in what the API logged.
  expect(engine.logs()).not.toContain(KRIPTOMAT_WEBHOOK_TOKEN);
});

it('never sends SumSub a form content type', () => {
  expect(engine.sandbox.log.find({ service: 'sumsub', status: 415 })).toEqual([]);
  expect(engine.sandbox.log.find({ service: 'sumsub', endpoint: 'shareToken' }).length).toBeGreaterThan(0);
});
