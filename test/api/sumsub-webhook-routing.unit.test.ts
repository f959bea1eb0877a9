import { createHmac } from 'node:crypto';
import { createApp } from '../../api';
import type { ApiAppConfig } from '../../api';
import { codecFromConfig } from '../../codec';
import { kycWorkflowId } from '../../domain';
import { createMetrics } from '../../observability/metrics';
import { TEST_CODEC_CONFIG } from '../helpers/codec';
import { fakeSignalClient } from '../helpers/fake-signal-client';
import { memoryLogger } from '../helpers/memory-logger';

/**
 * SumSub's whole event stream at `POST /webhooks/sumsub` (docs/vendor-apis.md, "SumSub webhooks"): every
 * type a client subscribes to arrives at the same URL, signed alike, and only KYC review events may wake a
 * case, with a hint, never a verdict. Over the real API app and metrics, with a client that records signals.
 */
const SECRET = 'sumsub-hook-secret-DO-NOT-LEAK-routing';
const USER = 'kyt-user-1';
const APPLICANT = '63e0c0ffee0123456789abcd';

const CONFIG: ApiAppConfig = {
  KYC_API_TOKEN: 'api-token-under-test-routing-1',
  SUMSUB_WEBHOOK_SECRET: SECRET,
  TEMPORAL_TASK_QUEUE: 'kyc-test',
  SUMSUB_LEVEL_NAME: 'basic-kyc-level',
  SUMSUB_WEBSDK_TOKEN_TTL_SECS: 900,
  KYC_CODEC_TOKEN: undefined,
  KYC_CODEC_CORS_ORIGINS: [],
};

function setup() {
  const temporal = fakeSignalClient([kycWorkflowId(USER)]);
  const logs = memoryLogger();
  const metrics = createMetrics();
  const app = createApp({
    client: temporal.client,
    config: CONFIG,
    timings: {},
    sumsub: { createWebSdkAccessToken: () => Promise.reject(new Error('not used')) },
    codec: codecFromConfig(TEST_CODEC_CONFIG),
    logger: logs.logger,
    metrics,
  });
  const post = async (raw: string, headers: Record<string, string> = signed(raw)) => {
    const response = await app.request('/webhooks/sumsub', {
      method: 'POST',
      body: raw,
      headers: { 'content-type': 'application/json', ...headers },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { ...temporal, logs, metrics, post };
}

function signed(raw: string, alg: string | null = 'HMAC_SHA256_HEX'): Record<string, string> {
  const hash = { HMAC_SHA1_HEX: 'sha1', HMAC_SHA512_HEX: 'sha512' }[alg ?? ''] ?? 'sha256';
  const digest = createHmac(hash, SECRET).update(raw).digest('hex');
  return { 'x-payload-digest': digest, ...(alg !== null && { 'x-payload-digest-alg': alg }) };
}

function event(type: string, patch: object = {}): string {
  return JSON.stringify({
    type,
    applicantId: APPLICANT,
    externalUserId: USER,
    inspectionId: 'insp-1',
    correlationId: 'req-1',
    levelName: 'basic-kyc-level',
    sandboxMode: true,
    reviewStatus: 'completed',
    reviewResult: { reviewAnswer: 'GREEN' },
    createdAtMs: '2026-03-01 10:00:00.123',
    ...patch,
  });
}

const RED_FINAL = {
  reviewResult: { reviewAnswer: 'RED', reviewRejectType: 'FINAL', rejectLabels: ['FRAUD'] },
};

describe('POST /webhooks/sumsub routes by type', () => {
  it('acknowledges a KYT RED+FINAL for a user with an open case and signals nothing (old code: rejected the user)', async () => {
    const t = setup();
    const response = await t.post(event('applicantKytTxnRejected', RED_FINAL));
    expect(response).toEqual({
      status: 202,
      body: { result: 'ignored', type: 'applicantKytTxnRejected', userId: USER },
    });
    expect(t.sent).toEqual([]);
  });

  it.each([
    ['applicantKytTxnAwaitingUser', { reviewStatus: 'awaitingUser' }],
    ['applicantKytTxnApproved', {}],
    ['applicantKytTxnDataChanged', { reviewStatus: 'onHold' }],
    ['applicantPersonalInfoChanged', { reviewStatus: undefined, reviewResult: undefined }],
    ['applicantWorkflowCompleted', RED_FINAL],
    ['applicantActionPending', { reviewStatus: 'pending' }],
    ['travelRuleAction', { externalUserId: undefined }],
  ])('acknowledges %s with 2xx and signals nothing (old code: 400 or a verdict)', async (type, patch) => {
    const t = setup();
    const response = await t.post(event(type, patch));
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ result: 'ignored', type });
    expect(t.sent).toEqual([]);
  });

  it('counts ignored events per type, with undocumented types under other', async () => {
    const t = setup();
    await t.post(event('applicantKytTxnRejected', RED_FINAL));
    await t.post(event('applicantKytTxnRejected', { ...RED_FINAL, correlationId: 'req-2' }));
    await t.post(event('brandNewTypeOf2027'));
    await t.post(
      JSON.stringify({ type: 'kytCaseCreated', caseId: 'c-1', createdAtMs: '2026-03-01 10:00:00.123' }),
    );
    const { body } = await t.metrics.render();
    expect(body).toContain(
      'kyc_webhook_ignored_events_total{source="sumsub",type="applicantKytTxnRejected"} 2',
    );
    expect(body).toContain('kyc_webhook_ignored_events_total{source="sumsub",type="other"} 1');
    expect(body).toContain('kyc_webhook_ignored_events_total{source="sumsub",type="kytCase*"} 1');
    expect(body).not.toContain('brandNewTypeOf2027');
    expect(body).toContain('kyc_webhooks_total{source="sumsub",result="ignored"} 4');
  });

  it.each([
    ['applicantReviewed', RED_FINAL],
    ['applicantReviewed', { reviewResult: { reviewAnswer: 'RED' } }],
    ['applicantPending', { reviewStatus: 'pending', reviewResult: undefined }],
    ['applicantOnHold', { reviewStatus: 'onHold' }],
    ['applicantReset', { reviewStatus: 'init' }],
  ])('wakes the case for %s with a hint only: type, applicant and time, no verdict', async (type, patch) => {
    const t = setup();
    const response = await t.post(event(type, patch));
    expect(response).toEqual({ status: 200, body: { result: 'signalled', type, userId: USER } });
    expect(t.sent).toEqual([
      {
        workflowId: kycWorkflowId(USER),
        signal: 'sumsubEvent',
        args: [{ type, applicantId: APPLICANT, createdAt: '2026-03-01T10:00:00.123Z' }],
      },
    ]);
  });

  it('reads a missing x-payload-digest-alg as HMAC_SHA256_HEX (old code: 401)', async () => {
    const t = setup();
    const raw = event('applicantReviewed');
    expect((await t.post(raw, signed(raw, null))).status).toBe(200);
    expect(t.sent).toHaveLength(1);
    // Without the header, a SHA-1 digest is a wrong digest.
    const other = event('applicantReviewed', { correlationId: 'req-9' });
    const sha1 = signed(other, 'HMAC_SHA1_HEX')['x-payload-digest']!;
    expect((await t.post(other, { 'x-payload-digest': sha1 })).status).toBe(401);
  });

  it.each([
    ['a bad digest', { 'x-payload-digest': '00'.repeat(32), 'x-payload-digest-alg': 'HMAC_SHA256_HEX' }],
    ['no digest', { 'x-payload-digest-alg': 'HMAC_SHA256_HEX' }],
    ['no headers at all', {}],
  ])('still refuses %s with 401 and signals nothing', async (_name, headers) => {
    const t = setup();
    expect((await t.post(event('applicantReviewed'), headers)).status).toBe(401);
    expect(t.sent).toEqual([]);
  });

  it.each([
    ['not JSON', '{"type": '],
    ['an empty body', ''],
    ['a review event without applicantId', event('applicantReviewed', { applicantId: undefined })],
    ['a review event with a time that is none', event('applicantReviewed', { createdAtMs: 'at noon, John' })],
  ])(
    'acknowledges a signed body that is %s with 2xx, and logs why without values (old code: 400)',
    async (_n, raw) => {
      const t = setup();
      const response = await t.post(raw);
      expect(response.status).toBe(202);
      expect(response.body).toMatchObject({ result: 'malformed' });
      expect(t.sent).toEqual([]);
      const line = t.logs.entries().find((entry) => entry.msg === 'webhook' && entry.result === 'malformed');
      expect(line).toMatchObject({ source: 'sumsub', level: 40 });
      expect(String(line?.reason)).toMatch(/not JSON|applicantId|createdAtMs/);
      expect(t.logs.text()).not.toContain('John');
    },
  );

  it('answers an exact replay of a signalled body once, and keeps nothing personal in its logs', async () => {
    const t = setup();
    const raw = event('applicantReviewed');
    expect((await t.post(raw)).body).toMatchObject({ result: 'signalled' });
    expect((await t.post(raw)).body).toMatchObject({ result: 'duplicate' });
    expect(t.sent).toHaveLength(1);
    const text = t.logs.text();
    for (const value of [APPLICANT, 'insp-1', SECRET, 'FRAUD']) expect(text).not.toContain(value);
  });

  it('acknowledges review events of users without a case, and of ids that cannot be ours', async () => {
    const t = setup();
    expect((await t.post(event('applicantReviewed', { externalUserId: 'elsewhere-1' }))).body).toEqual({
      result: 'unknown_case',
      type: 'applicantReviewed',
      userId: 'elsewhere-1',
    });
    const email = await t.post(event('applicantReviewed', { externalUserId: 'john@example.invalid' }));
    expect(email).toEqual({ status: 202, body: { result: 'unknown_case', type: 'applicantReviewed' } });
    expect(t.logs.text()).not.toContain('john@');
  });
});
