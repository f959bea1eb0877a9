import { createHmac } from 'node:crypto';
import { startSumsubSimulator } from '../../sandbox/sumsub/server';
import type { RunningSumsubSimulator, SumsubSimulatorOptions } from '../../sandbox/sumsub/server';
import {
  sendRaw,
  startWebhookReceiver,
  SUMSUB_APP_TOKEN,
  SUMSUB_SECRET,
  waitFor,
  WEBHOOK_SECRET,
} from '../helpers/sumsub';
import type { ReceivedWebhook } from '../helpers/sumsub';

/**
 * SumSub's behaviours of docs/vendor-apis.md the engine met only in production, over real HTTP with raw signed
 * requests: 415 on form content, other event types on the same webhook, RED without a reject type, a missing
 * digest algorithm header, and the 409 of a second create with and without the existing id.
 */
const LEVEL = 'basic-kyc-level';
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((thing) => thing.close()));
});

async function setUp(options: Partial<SumsubSimulatorOptions> = {}) {
  const receiver = await startWebhookReceiver();
  const sim = await startSumsubSimulator({
    appToken: SUMSUB_APP_TOKEN,
    secretKey: SUMSUB_SECRET,
    webhookUrl: receiver.url,
    webhookSecret: WEBHOOK_SECRET,
    reviewDelayMs: 120,
    webhookRetryDelaysMs: [],
    ...options,
  });
  running.push(sim, receiver);
  return { sim, receiver };
}

const create = (sim: RunningSumsubSimulator, externalUserId: string) =>
  sendRaw(sim.url, {
    method: 'POST',
    path: `/resources/applicants?levelName=${LEVEL}`,
    body: JSON.stringify({ externalUserId }),
  });
const statusOf = async (sim: RunningSumsubSimulator, applicantId: string) =>
  (await sendRaw(sim.url, { method: 'GET', path: `/resources/applicants/${applicantId}/status` })).body as {
    reviewStatus: string;
    reviewResult?: Record<string, unknown>;
  };

/** The digest a receiver computes on its own, from the raw bytes and the named (or assumed) algorithm. */
function digestHolds(webhook: ReceivedWebhook): boolean {
  const alg = (webhook.headers['x-payload-digest-alg'] as string | undefined) ?? 'HMAC_SHA256_HEX';
  const hash = { HMAC_SHA1_HEX: 'sha1', HMAC_SHA256_HEX: 'sha256', HMAC_SHA512_HEX: 'sha512' }[alg];
  if (!hash) return false;
  return (
    createHmac(hash, WEBHOOK_SECRET).update(webhook.raw).digest('hex') === webhook.headers['x-payload-digest']
  );
}

/** `type reviewStatus answer/rejectType`, in createdAtMs order. */
function story(receiver: Awaited<ReturnType<typeof startWebhookReceiver>>): string[] {
  return receiver
    .bodies()
    .sort((a, b) => String(a.createdAtMs).localeCompare(String(b.createdAtMs)))
    .map((body) => {
      const result = body.reviewResult as { reviewAnswer: string; reviewRejectType?: string } | undefined;
      const outcome = result
        ? ` ${[result.reviewAnswer, result.reviewRejectType].filter(Boolean).join('/')}`
        : '';
      return `${String(body.type)} ${String(body.reviewStatus)}${outcome}`;
    });
}

describe('content types', () => {
  it.each([
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'Application/X-WWW-Form-Urlencoded',
  ])('answers 415 in SumSub shape to a body-less POST sent as %s', async (contentType) => {
    const { sim } = await setUp({ webhookUrl: null });
    const reply = await sendRaw(sim.url, {
      method: 'POST',
      path: `/resources/accessTokens?userId=u-415&levelName=${LEVEL}&ttlInSecs=600`,
      headers: { 'content-type': contentType },
    });
    expect(reply).toMatchObject({
      status: 415,
      body: {
        description: expect.any(String) as string,
        code: 415,
        correlationId: expect.stringMatching(/^req-/) as string,
      },
    });
    expect(sim.log.requests.at(-1)).toMatchObject({ endpoint: 'accessToken', status: 415 });
  });

  it('takes a body-less POST with JSON or no content type', async () => {
    const { sim } = await setUp({ webhookUrl: null });
    const path = `/resources/accessTokens?userId=u-json&levelName=${LEVEL}&ttlInSecs=600`;
    expect((await sendRaw(sim.url, { method: 'POST', path })).status).toBe(200);
    const json = { 'content-type': 'application/json' };
    expect((await sendRaw(sim.url, { method: 'POST', path, headers: json })).status).toBe(200);
  });
});

describe('other event types', () => {
  it('kyt-*: KYT and profile events, correctly signed, while the KYC review is pending; then GREEN', async () => {
    const { sim, receiver } = await setUp();
    const created = await create(sim, 'kyt-1');
    const { id } = created.body as { id: string };
    await waitFor(() => receiver.received.length >= 6, 5_000, 'six webhooks');
    expect(story(receiver)).toEqual([
      'applicantCreated init',
      'applicantPending pending',
      'applicantKytTxnRejected completed RED/FINAL',
      'applicantKytTxnAwaitingUser awaitingUser',
      'applicantPersonalInfoChanged pending',
      'applicantReviewed completed GREEN',
    ]);
    for (const webhook of receiver.received) {
      expect(digestHolds(webhook)).toBe(true);
      expect(JSON.parse(webhook.raw.toString())).toMatchObject({ applicantId: id, externalUserId: 'kyt-1' });
    }
    expect(await statusOf(sim, id)).toMatchObject({
      reviewStatus: 'completed',
      reviewResult: { reviewAnswer: 'GREEN' },
    });
  });

  it('the KYT RED never shows in the review status, which stays pending until the KYC review', async () => {
    const { sim, receiver } = await setUp({ reviewDelayMs: 300 });
    const { id } = (await create(sim, 'kyt-2')).body as { id: string };
    await waitFor(
      () => story(receiver).some((line) => line.startsWith('applicantKytTxnRejected')),
      5_000,
      'the KYT RED',
    );
    expect(await statusOf(sim, id)).toEqual(expect.objectContaining({ reviewStatus: 'pending' }));
  });

  it('sends any event for a user on demand, signed, without changing the review', async () => {
    const { sim, receiver } = await setUp({ reviewDelayMs: 60_000 });
    const { id } = (await create(sim, 'not_started-ev-1')).body as { id: string };
    const send = (body: unknown, userId = 'not_started-ev-1') =>
      fetch(`${sim.url}/_sandbox/applicants/${userId}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const red = { reviewAnswer: 'RED', rejectLabels: ['AML'], reviewRejectType: 'FINAL' };
    const sent = await send({
      type: 'applicantAmlCaseRejected',
      reviewStatus: 'completed',
      reviewResult: red,
    });
    expect([sent.status, await sent.json()]).toEqual([
      202,
      { type: 'applicantAmlCaseRejected', applicantId: id },
    ]);
    expect((await send({ type: 'applicantWorkflowCompleted' })).status).toBe(202);
    expect((await send({ type: 'x' }, 'nobody-1')).status).toBe(404);
    expect((await send({ reviewStatus: 'completed' })).status).toBe(400);
    await waitFor(() => receiver.received.length >= 3, 5_000, 'three webhooks');
    expect(story(receiver)).toEqual([
      'applicantCreated init',
      'applicantAmlCaseRejected completed RED/FINAL',
      'applicantWorkflowCompleted init',
    ]);
    expect(receiver.received.every(digestHolds)).toBe(true);
    expect(await statusOf(sim, id)).toEqual(expect.objectContaining({ reviewStatus: 'init' }));
  });

  it('refuses on-demand events when no webhook URL is configured', async () => {
    const { sim } = await setUp({ webhookUrl: null });
    await create(sim, 'not_started-ev-2');
    const reply = await fetch(`${sim.url}/_sandbox/applicants/not_started-ev-2/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'applicantKytTxnApproved' }),
    });
    expect(reply.status).toBe(409);
  });
});

describe('reviews and signatures', () => {
  it('kyc_red_untyped-*: a RED without reviewRejectType, then GREEN', async () => {
    const { sim, receiver } = await setUp();
    const { id } = (await create(sim, 'kyc_red_untyped-1')).body as { id: string };
    await waitFor(() => receiver.received.length >= 4, 5_000, 'four webhooks');
    expect(story(receiver)).toEqual([
      'applicantCreated init',
      'applicantPending pending',
      'applicantReviewed completed RED',
      'applicantReviewed completed GREEN',
    ]);
    const untyped = receiver
      .bodies()
      .find((body) => (body.reviewResult as { reviewAnswer?: string })?.reviewAnswer === 'RED');
    expect(untyped?.reviewResult).not.toHaveProperty('reviewRejectType');
    expect((await statusOf(sim, id)).reviewResult).toMatchObject({ reviewAnswer: 'GREEN' });
  });

  it('leaves x-payload-digest-alg out when told, the digest then being HMAC_SHA256_HEX', async () => {
    const { sim, receiver } = await setUp({ omitDigestAlgHeader: true, reviewDelayMs: 60_000 });
    await create(sim, 'not_started-noalg-1');
    const [webhook] = await waitFor(
      () => receiver.received.length > 0 && receiver.received,
      5_000,
      'a webhook',
    );
    expect(webhook?.headers).not.toHaveProperty('x-payload-digest-alg');
    const sha256 = createHmac('sha256', WEBHOOK_SECRET)
      .update(webhook?.raw ?? '')
      .digest('hex');
    expect(webhook?.headers['x-payload-digest']).toBe(sha256);
  });

  it('refuses to start without the header but with another algorithm', async () => {
    await expect(
      startSumsubSimulator({
        appToken: 'a',
        secretKey: 'b',
        omitDigestAlgHeader: true,
        digestAlg: 'HMAC_SHA512_HEX',
      }),
    ).rejects.toThrow(/HMAC_SHA256_HEX/);
  });
});

describe('409 on a second create', () => {
  const conflict = (description: string) => ({
    status: 409,
    body: { description, code: 409, correlationId: expect.stringMatching(/^req-/) as string },
  });

  it('names the existing applicant by default, as documented', async () => {
    const { sim } = await setUp({ webhookUrl: null });
    const { id } = (await create(sim, 'onboard-409-1')).body as { id: string };
    expect(await create(sim, 'onboard-409-1')).toMatchObject(
      conflict(`Applicant with external user id 'onboard-409-1' already exists: ${id}`),
    );
  });

  it('leaves the id out with conflictDescription without_id', async () => {
    const { sim } = await setUp({ webhookUrl: null, conflictDescription: 'without_id' });
    await create(sim, 'onboard-409-2');
    expect(await create(sim, 'onboard-409-2')).toMatchObject(
      conflict("Applicant with external user id 'onboard-409-2' already exists"),
    );
  });

  it.each([
    ['applicant_exists-1', true],
    ['applicant_exists_no_id-1', false],
  ])(
    '%s: the very first create meets an applicant made earlier (id named: %p), which plays on',
    async (userId, named) => {
      const { sim, receiver } = await setUp();
      const first = await create(sim, userId);
      const existing = sim.applicants.findByExternalUserId(userId);
      const description = `Applicant with external user id '${userId}' already exists`;
      expect(first).toMatchObject(conflict(named ? `${description}: ${existing?.id}` : description));
      expect(await create(sim, userId)).toMatchObject({ status: 409 });
      const lookedUp = await sendRaw(sim.url, {
        method: 'GET',
        path: `/resources/applicants/-;externalUserId=${userId}/one`,
      });
      expect(lookedUp.body).toMatchObject({ id: existing?.id });
      await waitFor(
        () => story(receiver).includes('applicantReviewed completed GREEN'),
        5_000,
        'the GREEN review',
      );
    },
  );
});
