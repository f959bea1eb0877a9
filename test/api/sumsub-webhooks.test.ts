import { createHmac } from 'node:crypto';
import { formatCreatedAtMs } from '../../vendors/sumsub/webhook';
import { createWebhookApp } from '../../api/webhooks/webhook-app';
import type { WebhookReceipt } from '../../api/webhooks/sumsub';
import type { FakeCaseEnv } from '../helpers/fake-case-env';
import { startFakeCaseEnv } from '../helpers/fake-case-env';
import { applicantIdOf } from '../helpers/fake-vendors';
import { eventually } from '../helpers/temporal';

/**
 * The SumSub webhook receiver, with injected requests (no port) in front of real cases on a dev server: only
 * correctly signed bodies reach a case, and nothing a caller sends can crash it.
 */
const SECRET = 'webhook-secret-under-test';
let t: FakeCaseEnv;
let receipts: WebhookReceipt[];
let app: ReturnType<typeof createWebhookApp>;

beforeAll(async () => {
  t = await startFakeCaseEnv('sumsub-webhooks');
  receipts = [];
  app = createWebhookApp({
    client: t.env.client,
    sumsubWebhookSecret: SECRET,
    onReceipt: (r) => receipts.push(r),
  });
});
afterAll(async () => t?.stop());

function body(userId: string, patch: object = {}): string {
  return JSON.stringify({
    type: 'applicantReviewed',
    applicantId: applicantIdOf(userId),
    externalUserId: userId,
    reviewStatus: 'completed',
    reviewResult: { reviewAnswer: 'GREEN' },
    createdAtMs: formatCreatedAtMs(new Date('2026-01-01T10:00:00.000Z')),
    ...patch,
  });
}

function post(raw: string, headers: Record<string, string> = sign(raw)) {
  return app.request('/webhooks/sumsub', {
    method: 'POST',
    body: raw,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function sign(
  raw: string,
  alg = 'HMAC_SHA256_HEX',
  hash = 'sha256',
  secret = SECRET,
): Record<string, string> {
  return {
    'x-payload-digest': createHmac(hash, secret).update(raw).digest('hex'),
    'x-payload-digest-alg': alg,
  };
}

/** A case waiting for its user at (fake) SumSub. */
async function waitingCase() {
  const userId = t.userOf('webhook');
  t.partners.user(userId, 'not_started');
  const handle = await t.start(userId);
  await t.until(handle, (state) => state.phase === 'awaiting_user');
  return { userId, handle };
}

describe('POST /webhooks/sumsub', () => {
  it.each([
    ['HMAC_SHA1_HEX', 'sha1'],
    ['HMAC_SHA256_HEX', 'sha256'],
    ['HMAC_SHA512_HEX', 'sha512'],
    ["no x-payload-digest-alg (SHA-256, as SumSub's reference verifier reads it)", 'sha256'],
  ])('signals the case for a body signed with %s', async (alg, hash) => {
    const { userId, handle } = await waitingCase();
    t.partners.review(userId, { reviewStatus: 'completed', reviewAnswer: 'GREEN', rejectType: null });
    const raw = body(userId);

    const headers = sign(raw, alg, hash);
    if (!alg.startsWith('HMAC_')) delete headers['x-payload-digest-alg'];
    const response = await post(raw, headers);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ result: 'signalled', userId, type: 'applicantReviewed' });
    const state = await t.until(handle, (s) => s.phase !== 'awaiting_user');
    expect(state.sumsubEvents).toBe(1);
    await handle.terminate('test done');
  });

  it.each([
    [
      'a digest made with another secret',
      (raw: string) => sign(raw, 'HMAC_SHA256_HEX', 'sha256', 'not-the-secret'),
    ],
    [
      'a truncated digest',
      (raw: string) => ({ ...sign(raw), 'x-payload-digest': sign(raw)['x-payload-digest']!.slice(0, 40) }),
    ],
    ['no digest', () => ({ 'x-payload-digest-alg': 'HMAC_SHA256_HEX' })],
    [
      'a SHA-1 digest without its algorithm header (read as HMAC_SHA256_HEX)',
      (raw: string) => ({
        'x-payload-digest': sign(raw, 'HMAC_SHA1_HEX', 'sha1')['x-payload-digest']!,
      }),
    ],
    ['an unknown algorithm', (raw: string) => ({ ...sign(raw), 'x-payload-digest-alg': 'HMAC_MD5_HEX' })],
    ['the digest of a re-serialised body', (raw: string) => sign(JSON.stringify(JSON.parse(raw), null, 2))],
  ])('refuses %s with 401 and signals nothing', async (_, headersFor) => {
    const { userId, handle } = await waitingCase();
    const raw = body(userId);

    const response = await post(raw, headersFor(raw));

    expect(response.status).toBe(401);
    expect(JSON.stringify(await response.json())).not.toContain(SECRET);
    expect((await t.until(handle, () => true)).sumsubEvents).toBe(0);
    await handle.terminate('test done');
  });

  it('accepts a duplicate delivery without signalling it again; one reaching another replica changes nothing', async () => {
    const { userId, handle } = await waitingCase();
    // The webhook is a hint: what the case acts on is the review it then reads from (fake) SumSub.
    t.partners.review(userId, { reviewStatus: 'completed', reviewAnswer: 'RED', rejectType: 'RETRY' });
    const raw = body(userId, { reviewResult: { reviewAnswer: 'RED', reviewRejectType: 'RETRY' } });

    expect((await post(raw)).status).toBe(200);
    const again = await post(raw);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ result: 'duplicate', userId, type: 'applicantReviewed' });
    expect((await t.until(handle, (s) => s.sumsubEvents === 1)).sumsubEvents).toBe(1);

    // Another API replica keeps its own memory of deliveries: it signals, and the workflow drops the repeat.
    const replica = createWebhookApp({ client: t.env.client, sumsubWebhookSecret: SECRET });
    const elsewhere = await replica.request('/webhooks/sumsub', {
      method: 'POST',
      body: raw,
      headers: { 'content-type': 'application/json', ...sign(raw) },
    });
    expect(elsewhere.status).toBe(200);
    // Each delivery wakes the case, which reads the review: wait for that read, not only for the signal.
    const state = await t.until(handle, (s) => s.sumsubEvents === 2 && s.review?.reviewAnswer === 'RED');
    expect(state.review).toMatchObject({ reviewAnswer: 'RED', rejectType: 'RETRY' });
    const resubmits = () =>
      t.partners.notifications.filter((e) => e.userId === userId && e.action === 'resubmit_at_sumsub');
    await eventually(() => (resubmits().length > 0 ? true : undefined));
    expect(resubmits()).toHaveLength(1);
    await handle.terminate('test done');
  });

  it('answers 202 for a user without a case, so SumSub stops redelivering', async () => {
    const raw = body('onboarded-elsewhere-1');
    const response = await post(raw);
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ result: 'unknown_case', userId: 'onboarded-elsewhere-1' });
  });

  it.each([
    ['not JSON', '{"type": '],
    [
      'a field of the wrong type',
      JSON.stringify({
        type: 'applicantReviewed',
        applicantId: 7,
        externalUserId: 'u1',
        createdAtMs: '2026-01-01 10:00:00.000',
      }),
    ],
    ['an empty body', ''],
  ])(
    'acknowledges %s with 202 naming the problem (correctly signed: SumSub must not redeliver)',
    async (_, raw) => {
      const response = await post(raw);
      expect(response.status).toBe(202);
      const { result, reason } = (await response.json()) as { result: string; reason: string };
      expect(result).toBe('malformed');
      expect(reason).toMatch(/not JSON|applicantId/);
    },
  );

  it('acknowledges a KYT RED+FINAL for a waiting user and leaves the case waiting', async () => {
    const { userId, handle } = await waitingCase();
    const raw = body(userId, {
      type: 'applicantKytTxnRejected',
      reviewResult: { reviewAnswer: 'RED', reviewRejectType: 'FINAL' },
    });
    const response = await post(raw);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ result: 'ignored', type: 'applicantKytTxnRejected', userId });
    const state = await t.until(handle, () => true);
    expect(state).toMatchObject({ phase: 'awaiting_user', sumsubEvents: 0 });
    await handle.terminate('test done');
  });

  it('tells the receipt hook about every delivery, with its result', async () => {
    const { userId, handle } = await waitingCase();
    const raw = body(userId);
    const before = receipts.length;

    await post(raw, sign(raw, 'HMAC_SHA256_HEX', 'sha256', 'not-the-secret'));
    await post(body('onboarded-elsewhere-2'));
    await post('{"type": ');
    await post(raw);

    expect(receipts.slice(before).map((r) => r.result)).toEqual([
      'bad_signature',
      'unknown_case',
      'malformed',
      'signalled',
    ]);
    await handle.terminate('test done');
  });
});
