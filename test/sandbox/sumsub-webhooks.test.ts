import { createHmac } from 'node:crypto';
import type { WebhookDigestAlg } from '../../sandbox/sumsub/webhook-signature';
import { startSumsubSimulator } from '../../sandbox/sumsub/server';
import type { RunningSumsubSimulator, SumsubSimulatorOptions } from '../../sandbox/sumsub/server';
import {
  startWebhookReceiver,
  SUMSUB_APP_TOKEN,
  SUMSUB_SECRET,
  sumsubClient,
  waitFor,
  WEBHOOK_SECRET,
} from '../helpers/sumsub';
import type { ReceivedWebhook } from '../helpers/sumsub';

/** Scenario runs and webhook delivery of the SumSub simulator, to a local receiver over real HTTP. */
const LEVEL = 'basic-kyc-level';
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((thing) => thing.close()));
});

async function setUp(options: Partial<SumsubSimulatorOptions> = {}, answer?: (index: number) => number) {
  const receiver = await startWebhookReceiver(answer);
  const sim = await startSumsubSimulator({
    appToken: SUMSUB_APP_TOKEN,
    secretKey: SUMSUB_SECRET,
    webhookUrl: receiver.url,
    webhookSecret: WEBHOOK_SECRET,
    reviewDelayMs: 40,
    webhookRetryDelaysMs: [20, 20, 20],
    ...options,
  });
  running.push(sim, receiver);
  const client = sumsubClient(sim.url);
  return { sim, receiver, client };
}

/**
 * `type reviewStatus answer/rejectType` of each webhook, e.g. `applicantReviewed completed RED/RETRY`, in the
 * order of their `createdAtMs` (deliveries may overtake each other on a busy machine).
 */
function story(bodies: Record<string, unknown>[]): string[] {
  const byTime = [...bodies].sort((a, b) => String(a.createdAtMs).localeCompare(String(b.createdAtMs)));
  return byTime.map((body) => {
    const result = body.reviewResult as { reviewAnswer: string; reviewRejectType?: string } | undefined;
    const outcome = result
      ? ` ${[result.reviewAnswer, result.reviewRejectType].filter(Boolean).join('/')}`
      : '';
    return `${String(body.type)} ${String(body.reviewStatus)}${outcome}`;
  });
}

function reviewedCount(sim: RunningSumsubSimulator, userId: string): number {
  return sim.log.webhooks.filter((w) => w.userId === userId && w.type === 'applicantReviewed').length;
}

describe('scenario runs', () => {
  it('onboard-*: pending, then GREEN, with signed documented webhooks and no personal data', async () => {
    const { sim, receiver, client } = await setUp();
    const { id } = await client.ensureApplicant(LEVEL, {
      externalUserId: 'onboard-run-1',
      email: 'pii-mail@sandbox.invalid',
      fixedInfo: { firstName: 'Piifirst', lastName: 'Piilast' },
    });
    await waitFor(() => receiver.received.length >= 3, 5_000, 'three webhooks');
    expect(story(receiver.bodies())).toEqual([
      'applicantCreated init',
      'applicantPending pending',
      'applicantReviewed completed GREEN',
    ]);
    for (const webhook of receiver.received) {
      expect(webhook.headers['x-payload-digest-alg']).toBe('HMAC_SHA256_HEX');
      expect(verifyDigest(webhook)).toBe(true);
      const body = JSON.parse(webhook.raw.toString('utf8')) as Record<string, unknown>;
      expect(body).toMatchObject({
        applicantId: id,
        externalUserId: 'onboard-run-1',
        inspectionId: expect.any(String) as string,
        correlationId: expect.any(String) as string,
        levelName: LEVEL,
        sandboxMode: true,
      });
      expect(body.createdAtMs).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
      expect(webhook.raw.toString()).not.toMatch(/pii-mail|Piifirst|Piilast/);
    }
    expect(await client.getReview(id)).toMatchObject({ reviewStatus: 'completed', reviewAnswer: 'GREEN' });
    const logged = sim.log.webhooks.map((w) => [
      w.type,
      w.userId,
      w.status,
      w.attempt,
      w.dropped,
      w.duplicate,
    ]);
    expect(logged.sort()).toEqual([
      ['applicantCreated', 'onboard-run-1', 200, 1, false, false],
      ['applicantPending', 'onboard-run-1', 200, 1, false, false],
      ['applicantReviewed', 'onboard-run-1', 200, 1, false, false],
    ]);
  });

  it('resubmit-*: RED+RETRY, a resubmission (applicantPending), then GREEN', async () => {
    const { receiver, client } = await setUp();
    const { id } = await client.ensureApplicant(LEVEL, { externalUserId: 'resubmit-run-1' });
    await waitFor(() => receiver.received.length >= 5, 5_000, 'five webhooks');
    expect(story(receiver.bodies())).toEqual([
      'applicantCreated init',
      'applicantPending pending',
      'applicantReviewed completed RED/RETRY',
      'applicantPending pending',
      'applicantReviewed completed GREEN',
    ]);
    expect(await client.getReview(id)).toMatchObject({ reviewAnswer: 'GREEN', rejectType: null });
  });

  it('sumsub_rejected-*: RED+FINAL and nothing after', async () => {
    const { receiver, client } = await setUp();
    const { id } = await client.ensureApplicant(LEVEL, { externalUserId: 'sumsub_rejected-run-1' });
    await waitFor(() => receiver.received.length >= 3, 5_000, 'three webhooks');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(story(receiver.bodies()).slice(1)).toEqual([
      'applicantPending pending',
      'applicantReviewed completed RED/FINAL',
    ]);
    expect(await client.getReview(id)).toMatchObject({ reviewAnswer: 'RED', rejectType: 'FINAL' });
  });

  it('not_started-*: never finishes alone; testCompleted decides and announces it', async () => {
    const { sim, receiver, client } = await setUp();
    const { id } = await client.ensureApplicant(LEVEL, { externalUserId: 'not_started-run-1' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await client.getReview(id)).toMatchObject({ reviewStatus: 'init' });
    await client.completeTestReview(id, {
      reviewAnswer: 'RED',
      reviewRejectType: 'RETRY',
      rejectLabels: ['BAD'],
    });
    await waitFor(() => reviewedCount(sim, 'not_started-run-1') === 1, 5_000, 'the review webhook');
    expect(story(receiver.bodies())).toEqual([
      'applicantCreated init',
      'applicantReviewed completed RED/RETRY',
    ]);
  });

  it('a review decided by hand ends the scripted one', async () => {
    const { sim, client } = await setUp({ reviewDelayMs: 100 });
    const { id } = await client.ensureApplicant(LEVEL, { externalUserId: 'onboard-hand-1' });
    await client.completeTestReview(id, { reviewAnswer: 'RED', reviewRejectType: 'FINAL' });
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await client.getReview(id)).toMatchObject({ reviewAnswer: 'RED', rejectType: 'FINAL' });
    expect(reviewedCount(sim, 'onboard-hand-1')).toBe(1);
  });
});

/** The digest checked as a receiver would, with node:crypto alone (not the engine's verifier). */
function verifyDigest(webhook: ReceivedWebhook): boolean {
  const hashes: Record<string, string> = {
    HMAC_SHA1_HEX: 'sha1',
    HMAC_SHA256_HEX: 'sha256',
    HMAC_SHA512_HEX: 'sha512',
  };
  const hash = hashes[String(webhook.headers['x-payload-digest-alg'])];
  if (!hash) return false;
  const expected = createHmac(hash, WEBHOOK_SECRET).update(webhook.raw).digest('hex');
  return webhook.headers['x-payload-digest'] === expected;
}

describe('webhook delivery', () => {
  it.each(['HMAC_SHA1_HEX', 'HMAC_SHA512_HEX'] as WebhookDigestAlg[])(
    'signs with %s when configured',
    async (alg) => {
      const { receiver, client } = await setUp({ digestAlg: alg });
      await client.ensureApplicant(LEVEL, { externalUserId: 'not_started-alg-1' });
      const [webhook] = await waitFor(
        () => receiver.received.length > 0 && receiver.received,
        5_000,
        'a webhook',
      );
      expect(webhook?.headers['x-payload-digest-alg']).toBe(alg);
      expect(webhook && verifyDigest(webhook)).toBe(true);
    },
  );

  it('redelivers the same bytes after failed attempts until the receiver takes them', async () => {
    const { sim, receiver, client } = await setUp({}, (index) => (index < 2 ? 500 : 200));
    await client.ensureApplicant(LEVEL, { externalUserId: 'not_started-retry-1' });
    await waitFor(() => receiver.received.length >= 3, 5_000, 'three attempts');
    expect(sim.log.webhooks.map((w) => [w.attempt, w.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    const [first, ...rest] = receiver.received;
    for (const again of rest) {
      expect(again.raw.equals(first?.raw ?? Buffer.alloc(0))).toBe(true);
      expect(again.headers['x-payload-digest']).toBe(first?.headers['x-payload-digest']);
    }
  });

  it('gives up after the last retry of the schedule', async () => {
    const { sim, receiver, client } = await setUp({ webhookRetryDelaysMs: [10, 10] }, () => 503);
    await client.ensureApplicant(LEVEL, { externalUserId: 'not_started-giveup-1' });
    await waitFor(() => receiver.received.length >= 3, 5_000, 'three attempts');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sim.log.webhooks.map((w) => w.attempt)).toEqual([1, 2, 3]);
  });

  it('retries when nobody listens, logging attempts without a status', async () => {
    const closed = await startWebhookReceiver();
    await closed.close();
    const { sim, client } = await setUp({ webhookUrl: closed.url });
    await client.ensureApplicant(LEVEL, { externalUserId: 'not_started-offline-1' });
    await waitFor(() => sim.log.webhooks.length >= 4, 5_000, 'four attempts');
    expect(sim.log.webhooks.map((w) => [w.attempt, w.status])).toEqual([
      [1, null],
      [2, null],
      [3, null],
      [4, null],
    ]);
  });

  it("follows SumSub's schedule divided by webhookTimeDivisor by default", async () => {
    // 5 s, 5 min, ... divided by 1000: 5 ms, then 300 ms.
    const { sim, client } = await setUp(
      { webhookRetryDelaysMs: undefined, webhookTimeDivisor: 1000 },
      (index) => (index < 2 ? 500 : 200),
    );
    await client.ensureApplicant(LEVEL, { externalUserId: 'not_started-scale-1' });
    // The log records an attempt once its answer is in, just after the receiver saw it: wait for the log.
    await waitFor(() => sim.log.webhooks.length >= 3, 5_000, 'three attempts');
    // Timers never fire early, so each gap is at least its scheduled delay (timer rounding allows 1 ms).
    const [first, second, third] = sim.log.webhooks.map((w) => w.at);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(4);
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(299);
  });

  it('loses webhooks at dropWebhookRate, logging them as dropped', async () => {
    const { sim, receiver, client } = await setUp({ faults: { dropWebhookRate: 1 } });
    const { id } = await client.ensureApplicant(LEVEL, { externalUserId: 'onboard-drop-1' });
    await waitFor(() => sim.log.webhooks.length >= 3, 5_000, 'three dropped webhooks');
    expect(receiver.received).toHaveLength(0);
    expect(sim.log.webhooks.every((w) => w.dropped && w.status === null)).toBe(true);
    // The review still happens: a poll finds it.
    expect(await client.getReview(id)).toMatchObject({ reviewAnswer: 'GREEN' });
  });

  it('delivers webhooks twice at duplicateWebhookRate, byte for byte', async () => {
    const { sim, receiver, client } = await setUp({ faults: { duplicateWebhookRate: 1 } });
    await client.ensureApplicant(LEVEL, { externalUserId: 'not_started-dup-1' });
    await waitFor(() => receiver.received.length >= 2, 5_000, 'two deliveries');
    const [a, b] = receiver.received;
    expect(a?.raw.equals(b?.raw ?? Buffer.alloc(0))).toBe(true);
    expect(sim.log.webhooks.map((w) => w.duplicate).sort()).toEqual([false, true]);
  });

  it('delivers nothing without a webhook URL, and the review still progresses for polling', async () => {
    const { sim, receiver, client } = await setUp({ webhookUrl: null });
    const { id } = await client.ensureApplicant(LEVEL, { externalUserId: 'onboard-poll-1' });
    await waitFor(async () => (await client.getReview(id)).reviewStatus === 'completed', 5_000, 'the review');
    expect(receiver.received).toHaveLength(0);
    expect(sim.log.webhooks).toHaveLength(0);
  });

  it('stops every review step and redelivery on close', async () => {
    const { sim, receiver, client } = await setUp({ reviewDelayMs: 50 }, () => 500);
    await client.ensureApplicant(LEVEL, { externalUserId: 'onboard-close-1' });
    await waitFor(() => receiver.received.length >= 1, 5_000, 'the first attempt');
    await sim.close();
    const seen = receiver.received.length;
    const logged = sim.log.webhooks.length;
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(receiver.received).toHaveLength(seen);
    expect(sim.log.webhooks).toHaveLength(logged);
    expect(sim.applicants.findByExternalUserId('onboard-close-1')?.review.reviewStatus).toBe('init');
  });
});
