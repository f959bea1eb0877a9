import { createApp } from '../../api';
import { webhookTokenMatcher } from '../../api/webhooks/kriptomat';
import { codecFromConfig } from '../../codec';
import { kycWorkflowId } from '../../domain';
import { createMetrics } from '../../observability/metrics';
import { TEST_CODEC_CONFIG } from '../helpers/codec';
import { fakeSignalClient } from '../helpers/fake-signal-client';
import { memoryLogger } from '../helpers/memory-logger';

/**
 * Kriptomat's own webhook as its Compliance page describes it (docs/vendor-apis.md, "Kriptomat webhook"): an
 * `applicantReviewed`-style JSON body, no signature, so the registered URL carries a secret token. A delivery
 * only wakes the open case of `externalUserId` to re-read Kriptomat. Over the real API app and metrics, with
 * a client that records signals.
 */
const TOKEN = 'kriptomat-path-token-DO-NOT-LEAK-0123456789';
const USER = '123456';

const CONFIG = {
  KYC_API_TOKEN: 'api-token-under-test-kriptomat-1',
  SUMSUB_WEBHOOK_SECRET: 'sumsub-hook-secret-kriptomat-test',
  KRIPTOMAT_WEBHOOK_TOKEN: TOKEN,
  TEMPORAL_TASK_QUEUE: 'kyc-test',
  SUMSUB_LEVEL_NAME: 'basic-kyc-level',
  SUMSUB_WEBSDK_TOKEN_TTL_SECS: 900,
  KYC_CODEC_TOKEN: undefined,
  KYC_CODEC_CORS_ORIGINS: [],
};

function setup(config: Record<string, unknown> = CONFIG) {
  const temporal = fakeSignalClient([kycWorkflowId(USER)]);
  const logs = memoryLogger();
  const metrics = createMetrics();
  const app = createApp({
    client: temporal.client,
    config: config as typeof CONFIG,
    timings: {},
    sumsub: { createWebSdkAccessToken: () => Promise.reject(new Error('not used')) },
    codec: codecFromConfig(TEST_CODEC_CONFIG),
    logger: logs.logger,
    metrics,
  });
  const post = async (body: unknown, token = TOKEN, path = `/webhooks/kriptomat/${token}`) => {
    const response = await app.request(path, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
  };
  return { ...temporal, app, logs, metrics, post };
}

const reviewed = (patch: object = {}) => ({
  type: 'applicantReviewed',
  applicantId: 'kriptomat-applicant-9',
  externalUserId: USER,
  reviewStatus: 'completed',
  reviewResult: { reviewAnswer: 'GREEN' },
  createdAtMs: '2026-03-01 10:00:00.123',
  ...patch,
});

describe('POST /webhooks/kriptomat/:token', () => {
  it('wakes the open case of externalUserId to re-read Kriptomat, with no input (old route: 404)', async () => {
    const t = setup();
    const response = await t.post(reviewed());
    expect(response).toEqual({
      status: 202,
      body: { result: 'recheck_requested', type: 'applicantReviewed', userId: USER },
    });
    expect(t.sent).toEqual([{ workflowId: kycWorkflowId(USER), signal: 'recheck', args: [] }]);
  });

  it('takes a numeric externalUserId, as Kriptomat writes its ids', async () => {
    const t = setup();
    expect((await t.post(reviewed({ externalUserId: Number(USER) }))).body).toMatchObject({
      result: 'recheck_requested',
    });
  });

  it('never reads a verdict from the body: a RED wakes the case exactly as a GREEN does', async () => {
    const t = setup();
    await t.post(reviewed({ reviewResult: { reviewAnswer: 'RED', reviewRejectType: 'FINAL' } }));
    expect(t.sent).toEqual([{ workflowId: kycWorkflowId(USER), signal: 'recheck', args: [] }]);
  });

  it.each([
    ['another type', reviewed({ type: 'applicantPending' }), 'ignored'],
    ['an undocumented type', reviewed({ type: 'userUpdated' }), 'ignored'],
    ['a user without a case', reviewed({ externalUserId: '999' }), 'unknown_case'],
    ['a user id that cannot be ours', reviewed({ externalUserId: 'a@b.example' }), 'unknown_case'],
    ['no externalUserId', reviewed({ externalUserId: undefined }), 'malformed'],
    ['no type', reviewed({ type: undefined }), 'malformed'],
    ['a body that is not JSON', 'userId=123456', 'malformed'],
  ])('acknowledges %s with 202 and signals nothing', async (_name, body, result) => {
    const t = setup();
    const response = await t.post(body);
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ result });
    expect(t.sent).toEqual([]);
  });

  it('counts events it does not act on by bounded type', async () => {
    const t = setup();
    await t.post(reviewed({ type: 'applicantPending' }));
    await t.post(reviewed({ type: 'userUpdated' }));
    const { body } = await t.metrics.render();
    expect(body).toContain('kyc_webhook_ignored_events_total{source="kriptomat",type="applicantPending"} 1');
    expect(body).toContain('kyc_webhook_ignored_events_total{source="kriptomat",type="other"} 1');
    expect(body).not.toContain('userUpdated');
  });

  it.each([
    ['a wrong token', `${TOKEN.slice(0, -1)}X`],
    ['a prefix of the token', TOKEN.slice(0, 24)],
    ['the SumSub secret', 'sumsub-hook-secret-kriptomat-test'],
  ])('answers %s with the 404 of an unknown route, signalling nothing', async (_name, token) => {
    const t = setup();
    const response = await t.post(reviewed(), token);
    expect(response).toEqual({ status: 404, body: { error: 'not_found', message: 'no such route' } });
    expect(t.sent).toEqual([]);
  });

  it('answers 404 to the former route and to every token when none is configured', async () => {
    const t = setup();
    expect((await t.post({ userId: USER }, TOKEN, '/webhooks/kriptomat')).status).toBe(404);
    const unconfigured = setup({ ...CONFIG, KRIPTOMAT_WEBHOOK_TOKEN: undefined });
    for (const token of [TOKEN, 'undefined', 'null']) {
      expect((await unconfigured.post(reviewed(), token)).status).toBe(404);
    }
    expect(unconfigured.sent).toEqual([]);
  });

  it('keeps the token out of every log line and metric label, right or wrong', async () => {
    const t = setup();
    await t.post(reviewed());
    await t.post(reviewed(), `${TOKEN}-wrong`);
    const { body } = await t.metrics.render();
    expect(body).toContain('route="/webhooks/kriptomat/:token"');
    expect(body).not.toContain('DO-NOT-LEAK');
    const requests = t.logs.entries().filter((entry) => entry.msg === 'request');
    expect(requests.map((entry) => entry.route)).toEqual([
      '/webhooks/kriptomat/:token',
      '/webhooks/kriptomat/:token',
    ]);
    expect(t.logs.text()).not.toContain('DO-NOT-LEAK');
    expect(t.logs.text()).not.toContain('kriptomat-applicant-9');
  });

  it('is documented in the OpenAPI document with its token parameter, and the old route is gone', async () => {
    const t = setup();
    const response = await t.app.request('/openapi.json');
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toContain('/webhooks/kriptomat/{token}');
    expect(Object.keys(document.paths)).not.toContain('/webhooks/kriptomat');
  });
});

describe('webhookTokenMatcher', () => {
  it('matches only the configured token, and nothing without one', () => {
    const matches = webhookTokenMatcher(TOKEN);
    expect(matches(TOKEN)).toBe(true);
    expect(matches(`${TOKEN} `)).toBe(false);
    expect(matches('')).toBe(false);
    expect(matches(undefined)).toBe(false);
    expect(webhookTokenMatcher(undefined)('anything')).toBe(false);
    expect(webhookTokenMatcher('')('')).toBe(false);
  });
});
