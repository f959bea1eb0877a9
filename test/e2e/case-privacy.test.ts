import { cancelSignal, recheckSignal } from '../../workflows/messages';
import { historyAsText } from '../helpers/history';
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
const userOf = (scenario: string) => `${scenario}-${Date.now()}-${++count}`;

describe('a case onboarded through SumSub', () => {
  it('keeps the profile, the partner credentials and the webhook secret out of its history', async () => {
    const userId = userOf('onboard');
    const handle = await engine.start(userId, { pollSchedule: ['1s'] });
    const result = await handle.result();
    expect(result.outcome).toBe('approved');
    const profile = engine.sandbox.kriptomat.users.get(userId);

    const history = historyAsText(await handle.fetchHistory());

    expect(history).toContain('"kycStatus":"passed"'); // payloads are decoded: the check can see them
    const secrets = [
      profile?.email,
      profile?.surname,
      profile?.phone,
      profile?.date_of_birth,
      profile?.address,
      engine.config.KRIPTOMAT_TOKEN,
      engine.config.SUMSUB_APP_TOKEN,
      engine.config.SUMSUB_SECRET_KEY,
      engine.sandbox.sumsubWebhookSecret,
    ];
    for (const secret of secrets) {
      expect(secret).toBeTruthy();
      expect(history).not.toContain(secret);
    }
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
