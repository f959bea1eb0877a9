import { createHmac } from 'node:crypto';
import { formatCreatedAtMs } from '../../vendors/sumsub/webhook';
import { createApp } from '../../api';
import { codecFromConfig } from '../../codec';
import { TEST_CODEC_CONFIG } from '../helpers/codec';
import { FAST_TIMINGS } from '../helpers/fake-case-env';
import { applicantIdOf } from '../helpers/fake-vendors';
import type { ApiEnv } from './api-harness';
import {
  API_TOKEN,
  SUMSUB_WEBHOOK_SECRET,
  WEBSDK_TOKEN_PREFIX,
  apiConfig,
  fakeSumsub,
  startApiEnv,
} from './api-harness';

/** Both webhooks and the WebSDK token route, in front of real cases on a dev server. */
let api: ApiEnv;

beforeAll(async () => {
  api = await startApiEnv('api-webhooks');
});
afterAll(async () => api?.stop());

/** The path token of Kriptomat's webhook in these tests: distinctive, so leak checks can search for it. */
const HOOK_TOKEN = 'kriptomat-path-token-DO-NOT-LEAK-4-0123456789';

/** The API app of `api`, with Kriptomat's webhook token configured. */
function appWithHookToken() {
  const config = { ...apiConfig(api.t.taskQueue), KRIPTOMAT_WEBHOOK_TOKEN: HOOK_TOKEN };
  return createApp({
    client: api.client,
    config,
    timings: { ...FAST_TIMINGS, pollSchedule: ['1h'] },
    sumsub: fakeSumsub(),
    codec: codecFromConfig(TEST_CODEC_CONFIG),
    logger: api.logs.logger,
    metrics: api.metrics,
  });
}

/** Kriptomat's own delivery: `applicantReviewed`-style, at the URL carrying the token. */
async function kriptomat(externalUserId: unknown, token = HOOK_TOKEN, type = 'applicantReviewed') {
  const response = await appWithHookToken().request(`/webhooks/kriptomat/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type,
      applicantId: 'kriptomat-applicant-1',
      externalUserId,
      reviewResult: { reviewAnswer: 'GREEN' },
    }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

/** A case waiting on Kriptomat, whose next scheduled read is an hour away. */
async function waitingOnKriptomat(userId = api.t.userOf('hook')): Promise<string> {
  api.t.partners.user(userId, 'pending');
  await api.call('PUT', `/v1/cases/${userId}`);
  await api.until(userId, (view) => view.phase === 'awaiting_kriptomat');
  return userId;
}

describe('POST /webhooks/kriptomat/:token', () => {
  it("rechecks the case at once: it sees Kriptomat's decision long before its next poll", async () => {
    const userId = await waitingOnKriptomat();
    api.t.partners.user(userId, 'passed');

    const response = await kriptomat(userId);

    expect(response).toEqual({
      status: 202,
      body: { result: 'recheck_requested', type: 'applicantReviewed', userId },
    });
    const view = await api.until(userId, (v) => v.outcome !== null, 15_000);
    expect(view).toMatchObject({ outcome: 'approved', kriptomatChecks: 2 });
    expect(api.metrics.webhooks).toContainEqual({ source: 'kriptomat', result: 'recheck_requested' });
  });

  it('takes a numeric externalUserId, as Kriptomat writes its ids', async () => {
    const userId = await waitingOnKriptomat(String(Date.now()));
    api.t.partners.user(userId, 'declined');
    expect((await kriptomat(Number(userId))).body).toMatchObject({ result: 'recheck_requested' });
    await api.until(userId, (v) => v.outcome === 'rejected', 15_000);
  });

  it('acknowledges other event types without waking the case', async () => {
    const userId = await waitingOnKriptomat();
    api.t.partners.user(userId, 'passed');
    expect((await kriptomat(userId, HOOK_TOKEN, 'applicantPending')).body).toMatchObject({
      result: 'ignored',
    });
    const view = await api.until(userId, () => true);
    expect(view).toMatchObject({ phase: 'awaiting_kriptomat', kriptomatChecks: 1 });
  });

  it('answers 202 unknown_case for a user without a running case', async () => {
    expect(await kriptomat('never-onboarded-9')).toEqual({
      status: 202,
      body: { result: 'unknown_case', type: 'applicantReviewed', userId: 'never-onboarded-9' },
    });
  });

  it('answers a wrong token 404, like an unknown route, and the former route 404 too', async () => {
    const userId = await waitingOnKriptomat();
    expect((await kriptomat(userId, `${HOOK_TOKEN}-wrong`)).status).toBe(404);
    expect((await api.call('POST', '/webhooks/kriptomat', { body: { userId } })).status).toBe(404);
    expect((await api.until(userId, () => true)).kriptomatChecks).toBe(1);
  });
});

describe('POST /webhooks/sumsub', () => {
  function signed(userId: string) {
    const raw = JSON.stringify({
      type: 'applicantReviewed',
      applicantId: applicantIdOf(userId),
      externalUserId: userId,
      reviewStatus: 'completed',
      reviewResult: { reviewAnswer: 'GREEN' },
      createdAtMs: formatCreatedAtMs(new Date()),
    });
    const digest = createHmac('sha256', SUMSUB_WEBHOOK_SECRET).update(raw).digest('hex');
    return { raw, headers: { 'x-payload-digest': digest, 'x-payload-digest-alg': 'HMAC_SHA256_HEX' } };
  }
  const post = (raw: string, headers: Record<string, string>) =>
    api.app.request('/webhooks/sumsub', {
      method: 'POST',
      body: raw,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('signals the case of a correctly signed delivery, and logs and counts it', async () => {
    const userId = api.t.userOf('sumsub');
    api.t.partners.user(userId, 'not_started');
    await api.call('PUT', `/v1/cases/${userId}`);
    await api.until(userId, (view) => view.phase === 'awaiting_user');
    // The webhook is a hint: the case moves on the review it then reads from (fake) SumSub.
    api.t.partners.review(userId, { reviewStatus: 'completed', reviewAnswer: 'GREEN', rejectType: null });
    const { raw, headers } = signed(userId);

    const response = await post(raw, headers);

    expect(response.status).toBe(200);
    await api.until(userId, (view) => view.sumsubEvents === 1 && view.phase !== 'awaiting_user');
    expect(api.metrics.webhooks).toContainEqual({ source: 'sumsub', result: 'signalled' });
    const line = api.logs.entries().find((entry) => entry.msg === 'webhook' && entry.userId === userId);
    expect(line).toMatchObject({ source: 'sumsub', result: 'signalled', type: 'applicantReviewed' });
    expect(api.logs.text()).not.toContain(applicantIdOf(userId));
  });

  it('refuses a wrong digest with 401, signals nothing, and counts it', async () => {
    const { raw } = signed('someone-1');
    const response = await post(raw, {
      'x-payload-digest': '00'.repeat(32),
      'x-payload-digest-alg': 'HMAC_SHA256_HEX',
    });
    expect(response.status).toBe(401);
    expect(api.metrics.webhooks).toContainEqual({ source: 'sumsub', result: 'bad_signature' });
  });

  it('answers 202 for a user without a case', async () => {
    const { raw, headers } = signed('never-onboarded-7');
    expect((await post(raw, headers)).status).toBe(202);
  });
});

describe('POST /v1/cases/{userId}/sumsub-access-token', () => {
  it('mints a WebSDK token for a user with a case, and never logs it', async () => {
    const userId = await waitingOnKriptomat();

    const response = await api.call('POST', `/v1/cases/${userId}/sumsub-access-token`);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ userId, token: `${WEBSDK_TOKEN_PREFIX}${userId}`, expiresInSecs: 900 });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(api.sumsub.calls).toContainEqual({ userId, levelName: 'basic-kyc-level', ttlSecs: 900 });
    expect(api.logs.text()).not.toContain(WEBSDK_TOKEN_PREFIX);
  });

  it('answers 404 for a user without a case, and asks SumSub nothing', async () => {
    const before = api.sumsub.calls.length;
    const response = await api.call('POST', '/v1/cases/never-onboarded-8/sumsub-access-token');
    expect(response.status).toBe(404);
    expect(api.sumsub.calls).toHaveLength(before);
  });
});

describe('logs', () => {
  it('never carry a secret, even from requests that send them', async () => {
    const before = api.logs.entries().length;
    const userId = await waitingOnKriptomat();
    await kriptomat(userId);
    await kriptomat(userId, `${HOOK_TOKEN}-wrong`);
    await api.call('POST', `/v1/cases/${userId}/sumsub-access-token`);
    await api.call('GET', `/v1/cases/${userId}`, { token: `${API_TOKEN}-wrong` });

    expect(api.logs.entries().length - before).toBeGreaterThanOrEqual(5);
    const text = api.logs.text();
    for (const secret of ['DO-NOT-LEAK-1', 'DO-NOT-LEAK-3', 'DO-NOT-LEAK-4', 'DO-NOT-LEAK-']) {
      expect(text).not.toContain(secret);
    }
  });
});
