import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { STANDARD_WEBHOOK_HEADERS } from '../domain';

/** The fields of a Standard Webhooks notification the run checks (domain/partner-event.ts). */
const eventSchema = z.object({
  type: z.string(),
  data: z.object({ eventId: z.string(), userId: z.string(), outcome: z.string().nullable() }),
});

/** What the partner saw of one case: each event id once, with how often it came. */
interface Seen {
  type: string;
  outcome: string | null;
  deliveries: number;
}

/** What a case says it sent, read from its own state at the end of the run. */
export interface NotifiedCase {
  userId: string;
  /** `state.notifications`: events the case numbered (each delivered before it ends or continues). */
  notifications: number;
  /** The case's outcome, or null while it runs (parked). */
  outcome: string | null;
}

export interface NotificationFigures {
  /** Distinct events received (by event id). */
  received: number;
  /** Deliveries in all: duplicates and the redeliveries of refused ones included. */
  deliveries: number;
  /** Deliveries the receiver refused with a 503 (the partner's own outages): each must come again. */
  refused: number;
  /** Events received more than once (allowed: the partner drops them by event id). */
  duplicates: number;
  /** Events a case numbered that never arrived: must be 0. */
  lost: number;
  /** Ended cases without the event named by their outcome (`case.approved`, ...): must be 0. */
  completedMissing: number;
  /** Deliveries whose signature did not verify: must be 0. */
  badSignatures: number;
  /** A few of the cases with lost or missing events. */
  examples: string[];
}

/**
 * The partner's webhook endpoint of a chaos run (`PARTNER_WEBHOOK_URL` of every worker), on loopback: it
 * verifies each delivery's signature as a partner would (the standardwebhooks library), refuses a seeded share of them with a 503 (so the notify activity's retries
 * are exercised under the crashes too) and keeps, per user, the events it took. Counts and user ids only.
 */
export async function startPartnerReceiver(options: { refuseRate: number; random: () => number }) {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const verifier = new Webhook(secret);
  const byUser = new Map<string, Map<string, Seen>>();
  let deliveries = 0;
  let refused = 0;
  let badSignatures = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      let verified: unknown;
      try {
        verified = verifier.verify(body, headersOf(request));
      } catch {
        badSignatures += 1;
        return void response.writeHead(401).end();
      }
      if (options.random() < options.refuseRate) {
        refused += 1;
        return void response.writeHead(503).end();
      }
      const parsed = eventSchema.safeParse(verified);
      if (!parsed.success || parsed.data.data.eventId !== request.headers[STANDARD_WEBHOOK_HEADERS.id]) {
        return void response.writeHead(400).end();
      }
      deliveries += 1;
      const {
        type,
        data: { eventId, userId, outcome },
      } = parsed.data;
      const events = byUser.get(userId) ?? new Map<string, Seen>();
      byUser.set(userId, events);
      const seen = events.get(eventId) ?? { type, outcome, deliveries: 0 };
      seen.deliveries += 1;
      events.set(eventId, seen);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const figures = (cases: readonly NotifiedCase[]): NotificationFigures => {
    const all = [...byUser.values()].flatMap((events) => [...events.values()]);
    let lost = 0;
    let completedMissing = 0;
    const examples: string[] = [];
    for (const c of cases) {
      const events = [...(byUser.get(c.userId)?.values() ?? [])];
      const missing = Math.max(0, c.notifications - events.length);
      const completed = events.some((e) => e.type === `case.${c.outcome}` && e.outcome === c.outcome);
      const noCompleted = c.outcome !== null && !completed;
      lost += missing;
      if (noCompleted) completedMissing += 1;
      if ((missing > 0 || noCompleted) && examples.length < 10)
        examples.push(`${c.userId}: ${events.length} of ${c.notifications} events`);
    }
    return {
      received: all.length,
      deliveries,
      refused,
      duplicates: all.filter((e) => e.deliveries > 1).length,
      lost,
      completedMissing,
      badSignatures,
      examples,
    };
  };

  return {
    /** What the workers' environment needs to notify this receiver. */
    env: { PARTNER_WEBHOOK_URL: `http://127.0.0.1:${port}/kyc-events`, PARTNER_WEBHOOK_SECRET: secret },
    figures,
    /** Waits (up to `boundMs`) until no event the cases numbered is missing: a parked case's may be in flight. */
    async settle(cases: readonly NotifiedCase[], boundMs: number): Promise<NotificationFigures> {
      const boundAt = Date.now() + boundMs;
      for (;;) {
        const now = figures(cases);
        if ((now.lost === 0 && now.completedMissing === 0) || Date.now() >= boundAt) return now;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The request's headers as the verifier takes them: one string per name. */
function headersOf(request: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = String(value);
  return headers;
}

export type PartnerReceiver = Awaited<ReturnType<typeof startPartnerReceiver>>;
