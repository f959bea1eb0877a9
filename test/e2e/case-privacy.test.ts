import { cancelSignal, recheckSignal } from '../../workflows/messages';
import { codecFromConfig } from '../../codec';
import { createCodecApp } from '../../api/codec-server';
import { createLogger } from '../../observability/logger';
import { TEST_CODEC_CONFIG } from '../helpers/codec';
import { historyAsText, payloadsOf } from '../helpers/history';
import type { SandboxEngine } from '../helpers/sandbox-engine';
import { startSandboxEngine } from '../helpers/sandbox-engine';
import { eventually } from '../helpers/temporal';

/** What a case leaves behind, and how it behaves when the signup flow calls twice. */
let engine: SandboxEngine;
beforeAll(async () => {
  engine = await startSandboxEngine('case-privacy');
});
afterAll(async () => engine?.stop());

let count = 0;
const CODEC_TOKEN = 'operators-codec-token-0123456789';
const userOf = (scenario: string) => `${scenario}-${Date.now()}-${++count}`;

describe('a case onboarded through SumSub', () => {
  it('keeps the profile, the partner credentials and the webhook secret out of its raw history, which decodes only through the codec server', async () => {
    const userId = userOf('onboard');
    const handle = await engine.start(userId, { pollSchedule: ['1s'] });
    const result = await handle.result();
    expect(result.outcome).toBe('approved');
    const profile = engine.sandbox.kriptomat.users.get(userId);
    const secrets = [
      profile?.email,
      profile?.name,
      profile?.surname,
      profile?.phone,
      profile?.date_of_birth,
      profile?.address,
      engine.config.KRIPTOMAT_TOKEN,
      engine.config.SUMSUB_APP_TOKEN,
      engine.config.SUMSUB_SECRET_KEY,
      engine.sandbox.sumsubWebhookSecret,
      ...engine.sandbox.sumsub.ledger.issuedTokens(),
    ];
    expect(secrets.every(Boolean)).toBe(true);

    // The raw history, as the server stores it and anyone with namespace access reads it: no codec.
    const history = await handle.fetchHistory();
    const raw = historyAsText(history);
    for (const secret of secrets) expect(raw).not.toContain(secret);
    expect(raw).not.toContain('"kycStatus"'); // not even the case state is readable

    // The same payloads through the codec server, as the Temporal UI and CLI decode them for operators.
    const codecServer = createCodecApp({
      codec: codecFromConfig(TEST_CODEC_CONFIG),
      token: CODEC_TOKEN,
      corsOrigins: [],
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    const payloads = payloadsOf(history);
    expect(payloads.length).toBeGreaterThan(10);
    const refused = await codecServer.request('/decode', {
      method: 'POST',
      body: JSON.stringify({ payloads }),
    });
    expect(refused.status).toBe(401);
    const response = await codecServer.request('/decode', {
      method: 'POST',
      headers: { authorization: `Bearer ${CODEC_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ payloads }),
    });
    expect(response.status).toBe(200);
    const decoded = historyAsText((await response.json()) as Parameters<typeof historyAsText>[0]);
    expect(decoded).toContain('"kycStatus":"passed"');
    expect(decoded).toContain(`"userId":"${userId}"`);
    for (const secret of secrets) expect(decoded).not.toContain(secret);

    // The SumSub applicant was created with the profile, which stayed inside the activity.
    const applicant = engine.sandbox.sumsub.applicants.findByExternalUserId(userId);
    expect(applicant?.providedFields).toEqual(
      expect.arrayContaining([
        'email',
        'phone',
        'fixedInfo.firstName',
        'fixedInfo.dob',
        'fixedInfo.addresses',
      ]),
    );
  });
});

describe('the signup flow calling twice', () => {
  it('joins the running case instead of starting a second one', async () => {
    const userId = userOf('pending_forever');
    const first = await engine.start(userId, { pollSchedule: ['1h'] });
    const second = await engine.start(userId);

    expect(second.firstExecutionRunId).toBe(first.firstExecutionRunId);
    await first.signal(cancelSignal, { reason: 'test cleanup' });
    expect((await first.result()).outcome).toBe('cancelled');
  });

  it('reads Kriptomat at once on a recheck signal instead of waiting for the next poll', async () => {
    const userId = userOf('pending_forever');
    const handle = await engine.start(userId, { pollSchedule: ['1h'] });
    await eventually(() =>
      engine.sandbox.log.find({ endpoint: 'showUser', userId }).length > 0 ? true : undefined,
    );

    engine.sandbox.kriptomat.users.update(userId, { kyc_status: 'declined' });
    await handle.signal(recheckSignal);

    expect(await handle.result()).toMatchObject({
      outcome: 'rejected',
      kycStatus: 'declined',
      kriptomatChecks: 2,
    });
  });
});
