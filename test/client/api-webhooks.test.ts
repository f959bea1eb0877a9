import { createHmac } from 'node:crypto';
import { formatCreatedAtMs } from '../../activities/sumsub/webhook';
import { createApp } from '../../client/api';
import { codecFromConfig } from '../../codec';
import { TEST_CODEC_CONFIG } from '../helpers/codec';
import { FAST_TIMINGS } from '../helpers/fake-case-env';
import { applicantIdOf } from '../helpers/fake-partners';
import { memoryLogger } from '../helpers/memory-logger';
import type { ApiEnv } from './api-harness';
import {
  API_TOKEN,
  KRIPTOMAT_SECRET,
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

const kriptomat = (body: unknown, token: string | null = KRIPTOMAT_SECRET) =>
  api.call('POST', '/webhooks/kriptomat', { body, token });

/** A case waiting on Kriptomat, whose next scheduled read is an hour away. */
async function waitingOnKriptomat(userId = api.t.userOf('hook')): Promise<string> {
  api.t.partners.user(userId, 'pending');
  await api.call('PUT', `/v1/cases/${userId}`);
  await api.until(userId, (view) => view.phase === 'awaiting_kriptomat');
  return userId;
}

describe('POST /webhooks/kriptomat', () => {
  it("rechecks the case at once: it sees Kriptomat's decision long before its next poll", async () => {
    const userId = await waitingOnKriptomat();
    api.t.partners.user(userId, 'passed');

    const response = await kriptomat({ userId });

    expect(response.status).toBe(202);
    expect(response.body).toEqual({ result: 'recheck_requested' });
    const view = await api.until(userId, (v) => v.outcome !== null, 15_000);
    expect(view).toMatchObject({ outcome: 'approved', kriptomatChecks: 2 });
    expect(api.metrics.webhooks).toContainEqual({ source: 'kriptomat', result: 'recheck_requested' });
  });

  it('takes a numeric user id, as Kriptomat writes its ids', async () => {
    const userId = await waitingOnKriptomat(String(Date.now()));
    api.t.partners.user(userId, 'declined');
    expect((await kriptomat({ userId: Number(userId) })).body).toEqual({ result: 'recheck_requested' });
    await api.until(userId, (v) => v.outcome === 'rejected', 15_000);
  });

  it('answers 202 unknown_case for a user without a running case', async () => {
    const response = await kriptomat({ userId: 'never-onboarded-9' });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ result: 'unknown_case' });
  });

  it.each([
    ['no userId', {}],
    ['a userId that cannot name a case', { userId: 'a@b.example' }],
    ['a userId of the wrong type', { userId: true }],
  ])('answers 400 naming body.userId for %s', async (_, body) => {
    const response = await kriptomat(body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_request', issues: [{ path: 'body.userId' }] });
  });

  it.each([
    ['no token', null],
    ['a wrong token', 'kriptomat-hook-secret-DO-NOT-LEAK-X'],
    ['the API token', 'api-token-under-test-DO-NOT-LEAK-1'],
  ])('refuses %s with 401 before reading the body', async (_, token) => {
    const response = await kriptomat({ nonsense: true }, token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('refuses every call when no secret is configured', async () => {
    const app = createApp({
      client: api.client,
      config: apiConfig(api.t.taskQueue, { KRIPTOMAT_WEBHOOK_SECRET: undefined }),
      timings: FAST_TIMINGS,
      sumsub: fakeSumsub(),
      codec: codecFromConfig(TEST_CODEC_CONFIG),
      logger: memoryLogger().logger,
    });
    for (const authorization of ['Bearer undefined', 'Bearer ', 'Bearer null']) {
      const response = await app.request('/webhooks/kriptomat', {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'u-1' }),
      });
      expect(response.status).toBe(401);
    }
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
    await kriptomat({ userId });
    await kriptomat({ userId }, `${KRIPTOMAT_SECRET}-wrong`);
    await api.call('POST', `/v1/cases/${userId}/sumsub-access-token`);
    await api.call('GET', `/v1/cases/${userId}`, { token: `${API_TOKEN}-wrong` });

    expect(api.logs.entries().length - before).toBeGreaterThanOrEqual(5);
    const text = api.logs.text();
    for (const secret of ['DO-NOT-LEAK-1', 'DO-NOT-LEAK-2', 'DO-NOT-LEAK-3', 'DO-NOT-LEAK-']) {
      expect(text).not.toContain(secret);
    }
  });
});
