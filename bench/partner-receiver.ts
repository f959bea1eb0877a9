import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { PARTNER_SIGNATURE_HEADER } from '../domain';

/** The fields of a partner notification the bench counts (the rest is the engine's business). */
const NotificationSchema = z.object({
  eventId: z.string(),
  type: z.string(),
  userId: z.string(),
});

/** One notification as the partner received it, with the bench's clock. */
export interface ReceivedNotification {
  eventId: string;
  type: string;
  userId: string;
  at: number;
}

/**
 * The partner's webhook endpoint: the engine's worker POSTs every case event here, as it would to a real
 * partner, so notifications cost what they cost in production. Signatures are checked; nothing else is kept
 * but the event id, type, user id and arrival time.
 */
export class PartnerReceiver {
  readonly secret = randomBytes(18).toString('base64url');
  readonly received: ReceivedNotification[] = [];
  rejected = 0;
  /** Told of every notification as it arrives (the bench's users act on them). */
  onNotification: (event: ReceivedNotification) => void = () => undefined;
  private server: http.Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () =>
        response.writeHead(this.take(Buffer.concat(chunks), request) ? 204 : 400).end(),
      );
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/kyc-events`;
  }

  /** Notifications of one type, counted by user. */
  countByUser(type?: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const event of this.received) {
      if (type === undefined || event.type === type)
        counts.set(event.userId, (counts.get(event.userId) ?? 0) + 1);
    }
    return counts;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private take(body: Buffer, request: http.IncomingMessage): boolean {
    const expected = createHmac('sha256', this.secret).update(body).digest();
    const given = Buffer.from(String(request.headers[PARTNER_SIGNATURE_HEADER] ?? ''), 'hex');
    const parsed = NotificationSchema.safeParse(safeJson(body));
    if (given.length !== expected.length || !timingSafeEqual(given, expected) || !parsed.success) {
      this.rejected += 1;
      return false;
    }
    const event = { ...parsed.data, at: Date.now() };
    this.received.push(event);
    this.onNotification(event);
    return true;
  }
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}
