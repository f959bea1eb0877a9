import { StaticTokenProvider } from '../../vendors/kriptomat/auth';
import { KriptomatClient } from '../../vendors/kriptomat/client';
import { LoginTokenProvider } from '../../vendors/kriptomat/login';
import { startKriptomatSimulator } from '../../sandbox/kriptomat/server';
import type { RunningKriptomatSimulator } from '../../sandbox/kriptomat/server';
import { SHARE_TOKEN_ERRORS } from '../../sandbox/shared/share-tokens';
import { FakeShareTokenLedger } from '../helpers/fake-share-token-ledger';
import { delay, PARTNER, STATIC_TOKEN } from '../helpers/kriptomat-partner';
import { startScriptedServer } from '../helpers/scripted-server';
import { failureOf } from '../helpers/rejections';
import { eventually } from '../helpers/temporal';
import { allowLoopbackHttp } from '../helpers/recording-server';

allowLoopbackHttp();

/** Importing a SumSub share token into Kriptomat: the client against the simulator, with a fake ledger. */
const DECISION_DELAY_MS = 300;
let sim: RunningKriptomatSimulator;
let ledger: FakeShareTokenLedger;
let client: KriptomatClient;
let run = 0;

beforeAll(async () => {
  ledger = new FakeShareTokenLedger();
  sim = await startKriptomatSimulator({
    accessToken: STATIC_TOKEN,
    credentials: PARTNER,
    ledger,
    decisionDelayMs: DECISION_DELAY_MS,
  });
  client = new KriptomatClient({ baseUrl: sim.url, auth: new StaticTokenProvider(STATIC_TOKEN) });
});
afterAll(() => sim.close());

const userOf = (scenario: string) => `${scenario}-imp${++run}`;

describe('KriptomatClient.importKyc against the simulator', () => {
  it.each([
    ['onboard', 'passed'],
    ['onboard_declined', 'declined'],
  ])('imports %s users, who are pending and then %s once Kriptomat decides', async (scenario, decision) => {
    const userId = userOf(scenario);
    await client.importKyc(userId, ledger.mint(userId));

    expect(await client.readKycStatus(userId)).toMatchObject({ kycStatus: 'pending' });
    expect(ledger.redemptions.at(-1)).toMatchObject({ forClientId: 'kriptomat', userId });
    expect(sim.log.shareTokensRedeemed.get(userId)).toBe(1);
    await eventually(async () =>
      (await client.readKycStatus(userId)).kycStatus === decision ? true : undefined,
    );
    expect(await client.readKycStatus(userId)).toMatchObject({ kycStatus: decision });
  });

  it('leaves a user whose scenario has no decision pending', async () => {
    const userId = userOf('sumsub_rejected');
    await client.importKyc(userId, ledger.mint(userId));
    await delay(DECISION_DELAY_MS + 200);
    expect(await client.readKycStatus(userId)).toMatchObject({ kycStatus: 'pending' });
  });

  it('refuses a second import with a 409, read as a refused token, and records it without redeeming', async () => {
    const userId = userOf('onboard');
    await client.importKyc(userId, ledger.mint(userId));
    const redeemed = ledger.redemptions.length;

    const error = await failureOf(client.importKyc(userId, ledger.mint(userId)));

    // Kriptomat's plain shape: the share activity re-reads the status, which shows the first import landed.
    expect(error).toMatchObject({ type: 'ShareTokenRejected', retryable: false, context: { status: 409 } });
    expect(error.message).toBe(
      'share token refused (Kriptomat POST /v1/users/{userId}/kyc-import, HTTP 409)',
    );
    expect(ledger.redemptions).toHaveLength(redeemed);
    expect(sim.log.importsOf(userId)).toBe(1);
    expect(sim.log.find({ endpoint: 'importKyc', userId }).map((r) => r.status)).toEqual([200, 409]);
    expect(sim.log.shareTokensRedeemed.get(userId)).toBe(1);
  });

  it.each(Object.entries(SHARE_TOKEN_ERRORS))(
    'reports the ledger refusal %s as a share-token error, naming the code and not the token',
    async (_name, refusal) => {
      const userId = userOf('onboard');
      const token = ledger.mint(userId);
      ledger.refuse(token, refusal);
      const from = sim.log.requests.length;

      const error = await failureOf(client.importKyc(userId, token));

      const code = 'errorCode' in refusal ? `${refusal.errorCode} ` : '';
      // Expired or used: the share activity's next attempt mints a fresh token, so it is worth retrying.
      const expired = refusal.status === 401;
      expect(error).toMatchObject({
        type: expired ? 'ShareTokenExpired' : 'ShareTokenRejected',
        retryable: expired,
        context: { status: refusal.status },
      });
      expect(error.message).toBe(
        `share token refused: ${code}${refusal.errorName} (Kriptomat POST /v1/users/{userId}/kyc-import, HTTP ${refusal.status})`,
      );
      expect(error.message).not.toContain(token);
      expect(await client.readKycStatus(userId)).toMatchObject({ kycStatus: 'not_started' });
      expect(sim.log.requests.slice(from).filter((r) => r.endpoint === 'importKyc')).toHaveLength(1);
    },
  );

  it('does not log in again when a share token, not the session, is refused with a 401', async () => {
    const auth = new LoginTokenProvider({ baseUrl: sim.url, credentials: PARTNER });
    const loggingIn = new KriptomatClient({ baseUrl: sim.url, auth });
    const userId = userOf('onboard');
    const token = ledger.mint(userId);
    ledger.refuse(token, SHARE_TOKEN_ERRORS.expiredOrUsed);
    const from = sim.log.requests.length;

    expect(await failureOf(loggingIn.importKyc(userId, token))).toMatchObject({ type: 'ShareTokenExpired' });
    expect(sim.log.requests.slice(from).map((r) => r.endpoint)).toEqual(['login', 'importKyc']);
  });

  it('refuses a token minted for another client id or another user', async () => {
    const userId = userOf('onboard');
    const forOthers = ledger.mint(userId, 'someone-else');
    const forOtherUser = ledger.mint(userOf('onboard'));
    await expect(client.importKyc(userId, forOthers)).rejects.toMatchObject({
      message: /10502 invalid-partner-id/,
    });
    await expect(client.importKyc(userId, forOtherUser)).rejects.toMatchObject({ message: /10504/ });
  });

  it('reports an unknown user as UserNotFound', async () => {
    const userId = userOf('unknown');
    expect(await failureOf(client.importKyc(userId, ledger.mint(userId)))).toMatchObject({
      type: 'UserNotFound',
      context: { status: 404 },
    });
  });

  it('honours a configured import path', async () => {
    const moved = await startKriptomatSimulator({
      accessToken: STATIC_TOKEN,
      ledger,
      paths: { importKyc: '/api/v1/partners/users/{userId}/kyc-import' },
    });
    try {
      const custom = new KriptomatClient({
        baseUrl: moved.url,
        auth: new StaticTokenProvider(STATIC_TOKEN),
        paths: { importKyc: '/api/v1/partners/users/{userId}/kyc-import' },
      });
      const userId = userOf('onboard');
      await custom.importKyc(userId, ledger.mint(userId));
      expect(moved.log.find({ endpoint: 'importKyc' })).toEqual([
        expect.objectContaining({ path: `/api/v1/partners/users/${userId}/kyc-import`, status: 200 }),
      ]);
    } finally {
      await moved.close();
    }
  });
});

describe('KriptomatClient.importKyc against a scripted server', () => {
  it.each([
    ['a success without status true', { status: 200, body: '{"status":false}' }, 'ContractViolation'],
    ['a 400 with a code outside 10501-10518', { status: 400, body: '{"errorCode":4003}' }, 'PartnerRejected'],
    ['a 400 with a string 105xx code', { status: 400, body: '{"errorCode":"10501"}' }, 'ShareTokenRejected'],
    [
      'a plain-shape 422',
      { status: 422, body: '{"message":"The token field is required."}' },
      'ShareTokenRejected',
    ],
    [
      'a 422 {status: false}',
      { status: 422, body: '{"status":false,"message":"Invalid."}' },
      'ShareTokenRejected',
    ],
    ['a 422 without a body', { status: 422 }, 'PartnerRejected'],
    ['a 503', { status: 503 }, 'PartnerUnavailable'],
  ])('classifies %s', async (_name, reply, type) => {
    const server = await startScriptedServer(() => reply);
    try {
      const scripted = new KriptomatClient({
        baseUrl: server.url,
        auth: new StaticTokenProvider(STATIC_TOKEN),
      });
      expect(await failureOf(scripted.importKyc('onboard-1', '_act-secret-share-token'))).toMatchObject({
        type,
      });
    } finally {
      await server.close();
    }
  });

  it('posts the token as documented', async () => {
    const bodies: string[] = [];
    const server = await startScriptedServer((req) => {
      req.on('data', (chunk: Buffer) => bodies.push(chunk.toString()));
      return { status: 200, body: '{"status":true}' };
    });
    try {
      const scripted = new KriptomatClient({
        baseUrl: server.url,
        auth: new StaticTokenProvider(STATIC_TOKEN),
      });
      await scripted.importKyc('onboard-1', '_act-token-1');
      expect(bodies.map((body) => JSON.parse(body) as unknown)).toEqual([{ token: '_act-token-1' }]);
    } finally {
      await server.close();
    }
  });
});
