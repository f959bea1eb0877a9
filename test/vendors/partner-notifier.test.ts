import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Webhook } from 'standardwebhooks';
import { createNotifyPartner } from '../../activities/notify-partner';
import { PartnerWebhookNotifier } from '../../vendors/partner/webhook-notifier';
import { applicationFailureOf } from '../helpers/rejections';
import { completedEvent } from '../helpers/partner-event';

/** Partner notifications as the partner's endpoint receives them: bytes, headers, and what its answers cause. */
const SECRET = 'partner-webhook-secret-DO-NOT-LEAK-3e7d';

/** One POST as the partner got it, before any parsing. */
interface Received {
  method: string | undefined;
  raw: Buffer;
  headers: http.IncomingHttpHeaders;
}

/** The partner's endpoint on loopback, answering each delivery with the status the test scripts. */
async function startPartner(status: () => number) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method, raw: Buffer.concat(chunks), headers: req.headers });
      res.writeHead(status(), { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/kyc-events`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let partner: Awaited<ReturnType<typeof startPartner>>;
let answer = 200;
beforeAll(async () => {
  partner = await startPartner(() => answer);
});
beforeEach(() => {
  answer = 200;
  partner.received.length = 0;
});
afterAll(() => partner.close());

const notifier = () => new PartnerWebhookNotifier({ url: partner.url, secrets: [SECRET] });
const legacyNotifier = () =>
  new PartnerWebhookNotifier({ url: partner.url, secrets: [SECRET], format: 'legacy' });
/** A `whsec_` secret as a partner's Standard Webhooks dashboard would issue it: base64 of 32 random bytes. */
const WHSEC = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const NEXT_WHSEC = `whsec_${Buffer.from('fedcba9876543210fedcba9876543210').toString('base64')}`;

/** The headers of one delivery as a plain record, the shape a partner's framework hands its verifier. */
function headersOf(delivery: Received | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(delivery?.headers ?? {})) headers[name] = String(value);
  return headers;
}

/** A non-ASCII user id, so the signature must cover the UTF-8 bytes actually sent, not a string. */
const event = completedEvent('Jürgen-42');

describe('PartnerWebhookNotifier, Standard Webhooks (the default)', () => {
  it('is verified by the standardwebhooks library, as a partner verifies it, and names the outcome', async () => {
    await new PartnerWebhookNotifier({ url: partner.url, secrets: [WHSEC] }).send(event);

    const [delivery] = partner.received;
    expect(delivery?.headers['webhook-id']).toBe(event.eventId);
    expect(delivery?.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    const verified = new Webhook(WHSEC).verify(delivery?.raw ?? Buffer.alloc(0), headersOf(delivery));
    const { type: _type, occurredAt, ...data } = event;
    expect(verified).toEqual({ type: 'case.approved', timestamp: occurredAt, data });
    expect(() => new Webhook(NEXT_WHSEC).verify(delivery?.raw ?? '', headersOf(delivery))).toThrow(
      'No matching signature',
    );
  });

  it('signs with every secret while a new one is rolled in, so either verifies', async () => {
    await new PartnerWebhookNotifier({ url: partner.url, secrets: [NEXT_WHSEC, WHSEC] }).send(event);

    const [delivery] = partner.received;
    expect(String(delivery?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [NEXT_WHSEC, WHSEC]) {
      expect(() => new Webhook(secret).verify(delivery?.raw ?? '', headersOf(delivery))).not.toThrow();
    }
  });

  it('keeps the webhook-id of an event across redeliveries, so the partner drops the duplicate', async () => {
    const sender = new PartnerWebhookNotifier({ url: partner.url, secrets: [WHSEC] });
    await sender.send(event);
    await sender.send(event);

    expect(partner.received.map((delivery) => delivery.headers['webhook-id'])).toEqual([
      event.eventId,
      event.eventId,
    ]);
  });

  it('keys a secret that is not whsec_ by its UTF-8 bytes', async () => {
    await notifier().send(event);

    const [delivery] = partner.received;
    const raw = new Webhook(Buffer.from(SECRET, 'utf8'), { format: 'raw' });
    expect(() => raw.verify(delivery?.raw ?? '', headersOf(delivery))).not.toThrow();
  });
});

describe('PartnerWebhookNotifier, legacy (PARTNER_WEBHOOK_FORMAT=legacy)', () => {
  it('POSTs the event as JSON, with its id and an HMAC of the raw body the partner can check', async () => {
    await legacyNotifier().send(event);

    expect(partner.received).toHaveLength(1);
    const [delivery] = partner.received;
    expect(delivery?.method).toBe('POST');
    expect(delivery?.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(delivery?.raw.toString('utf8') ?? '')).toEqual(event);
    expect(delivery?.headers['x-kyc-event-id']).toBe(event.eventId);
    const expected = createHmac('sha256', SECRET)
      .update(delivery?.raw ?? Buffer.alloc(0))
      .digest('hex');
    expect(delivery?.headers['x-kyc-signature']).toBe(expected);
  });
});

describe('the notifyPartner activity', () => {
  it('delivers the event', async () => {
    await expect(createNotifyPartner(notifier())(event)).resolves.toBeUndefined();
    expect(partner.received.map((delivery) => delivery.headers['webhook-id'])).toEqual([event.eventId]);
  });

  it.each([
    [500, 'PartnerUnavailable'],
    [400, 'PartnerRejected'],
  ])('keeps retrying when the partner answers %i: events are never dropped', async (status, type) => {
    answer = status;
    const failure = await applicationFailureOf(createNotifyPartner(notifier())(event));

    expect(failure).toMatchObject({ type, nonRetryable: false });
    expect(failure.message).toContain(`HTTP ${status}`);
    expect(failure.message).not.toContain(SECRET);
    expect(partner.received).toHaveLength(1);
  });

  it('without a configured webhook only logs the event, by id and type', async () => {
    const logged: { message: string; meta?: LogMetadata }[] = [];
    const record = (message: string, meta?: LogMetadata) => void logged.push({ message, meta });
    const logger: Logger = {
      log: (_level: LogLevel, message: string, meta?: LogMetadata) => record(message, meta),
      trace: record,
      debug: record,
      info: record,
      warn: record,
      error: record,
    };
    const activity = createNotifyPartner(null);

    await expect(new MockActivityEnvironment({}, { logger }).run(activity, event)).resolves.toBeUndefined();
    expect(logged).toContainEqual(
      expect.objectContaining({
        meta: expect.objectContaining({ eventId: event.eventId, type: event.type }) as unknown,
      }),
    );
    expect(partner.received).toEqual([]);
  });
});
