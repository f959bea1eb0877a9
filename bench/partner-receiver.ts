import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';

/** The fields of a Standard Webhooks notification the bench counts (the rest is the engine's business). */
const NotificationSchema = z.object({
  type: z.string(),
  data: z.object({ eventId: z.string(), userId: z.string() }),
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
 * partner, so notifications cost what they cost in production. Signatures are checked as a partner checks
 * them (the standardwebhooks library); nothing else is kept
 * but the event id, type, user id and arrival time.
 */
export class PartnerReceiver {
  readonly secret = `whsec_${randomBytes(24).toString('base64')}`;
  private readonly verifier = new Webhook(this.secret);
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
    const parsed = NotificationSchema.safeParse(this.verified(body, request));
    if (!parsed.success) {
      this.rejected += 1;
      return false;
    }
    const { type, data } = parsed.data;
    const event = { eventId: data.eventId, type, userId: data.userId, at: Date.now() };
    this.received.push(event);
    this.onNotification(event);
    return true;
  }

  /** The notification's body if its signature verifies, else undefined (counted as rejected). */
  private verified(body: Buffer, request: http.IncomingMessage): unknown {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name] = String(value);
    try {
      return this.verifier.verify(body, headers);
    } catch {
      return undefined;
    }
  }
}
