import { LoginTokenProvider } from '../../vendors/kriptomat/login';
import { KriptomatClient } from '../../vendors/kriptomat/client';
import { PartnerWebhookNotifier } from '../../vendors/partner/webhook-notifier';
import type { HttpCallRecord } from '../../observability/metrics-types';
import { startKriptomatSimulator } from '../../sandbox/kriptomat/server';
import type { RunningKriptomatSimulator } from '../../sandbox/kriptomat/server';
import { startSumsubSimulator } from '../../sandbox/sumsub/server';
import type { RunningSumsubSimulator } from '../../sandbox/sumsub/server';
import { PARTNER } from '../helpers/kriptomat-partner';
import { startScriptedServer } from '../helpers/scripted-server';
import { SUMSUB_APP_TOKEN, SUMSUB_SECRET, sumsubClient } from '../helpers/sumsub';

/**
 * Every outbound request of every client (Kriptomat, SumSub, the partner's notification endpoint) reaches the
 * metrics: service, id-free endpoint, status (0 when no answer came) and duration, for successes and failures
 * alike.
 */
let kriptomat: RunningKriptomatSimulator;
let sumsub: RunningSumsubSimulator;
beforeAll(async () => {
  kriptomat = await startKriptomatSimulator({ credentials: PARTNER });
  sumsub = await startSumsubSimulator({ appToken: SUMSUB_APP_TOKEN, secretKey: SUMSUB_SECRET });
});
afterAll(async () => {
  await kriptomat.close();
  await sumsub.close();
});

function recorder() {
  const calls: HttpCallRecord[] = [];
  return { calls, observer: (call: HttpCallRecord) => calls.push(call), seen: () => calls.map(summary) };
}
const summary = ({ vendor, endpoint, status }: HttpCallRecord) => `${vendor} ${status} ${endpoint}`;

describe('outbound request observation', () => {
  it('sees Kriptomat calls and the login before them, with ids left out of the endpoint', async () => {
    const { observer, calls, seen } = recorder();
    const auth = new LoginTokenProvider({ baseUrl: kriptomat.url, credentials: PARTNER, observer });
    const client = new KriptomatClient({ baseUrl: kriptomat.url, auth, observer });

    await client.readKycStatus('passed-31');
    await expect(client.readKycStatus('nobody-31')).rejects.toThrow('no such Kriptomat user');

    expect(seen()).toEqual([
      'kriptomat 200 Kriptomat POST /api/v1/partners/auth/login',
      'kriptomat 200 Kriptomat GET /api/v1/partners/users/{userId}',
      'kriptomat 404 Kriptomat GET /api/v1/partners/users/{userId}',
    ]);
    expect(calls.every((call) => call.durationMs >= 0)).toBe(true);
  });

  it('sees SumSub calls, refused ones included', async () => {
    const { observer, seen } = recorder();
    const client = sumsubClient(sumsub.url, { observer });
    const wrongKey = sumsubClient(sumsub.url, { secretKey: 'wrong', observer });

    const { id } = await client.ensureApplicant('basic-kyc-level', { externalUserId: 'observed-1' });
    await expect(wrongKey.getReview(id)).rejects.toThrow();

    expect(seen()).toEqual([
      'sumsub 200 SumSub POST /resources/applicants',
      'sumsub 401 SumSub GET /resources/applicants/{applicantId}/status',
    ]);
  });

  it('sees notifications to the partner, with status 0 when nothing answered', async () => {
    const { observer, seen } = recorder();
    const failing = await startScriptedServer(() => ({ status: 500, body: '{}' }));
    const event = {
      eventId: 'kyc:u-1/run/1',
      type: 'case.completed',
      userId: 'u-1',
      phase: 'approved',
      action: null,
      outcome: 'approved',
      kycStatus: 'passed',
      eddStatus: 'not_reported',
      occurredAt: new Date(0).toISOString(),
    } as const;
    try {
      const notifier = new PartnerWebhookNotifier({ url: failing.url, secrets: ['s'], observer });
      await expect(notifier.send(event)).rejects.toThrow();
    } finally {
      await failing.close();
    }
    const nobody = new PartnerWebhookNotifier({ url: failing.url, secrets: ['s'], observer });
    await expect(nobody.send(event)).rejects.toThrow();

    expect(seen()).toEqual(['partner 500 partner webhook POST', 'partner 0 partner webhook POST']);
  });

  it('never lets a failing observer fail the call it watches', async () => {
    const observer = () => {
      throw new Error('metrics bug');
    };
    const client = sumsubClient(sumsub.url, { observer });
    await expect(
      client.ensureApplicant('basic-kyc-level', { externalUserId: 'observed-2' }),
    ).resolves.toBeDefined();
  });
});
