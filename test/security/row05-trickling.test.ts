import type http from 'node:http';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { StaticTokenProvider } from '../../vendors/kriptomat/auth';
import { KriptomatClient } from '../../vendors/kriptomat/client';
import { PartnerWebhookNotifier } from '../../vendors/partner/webhook-notifier';
import { STATIC_TOKEN } from '../helpers/kriptomat-partner';
import { sumsubClient } from '../helpers/sumsub';
import type { HostilePeer } from './hostile-peers';
import { delay, messageOf, settled, startPeer, withAllowedHosts } from './hostile-peers';
import { completedEvent } from '../helpers/partner-event';

/**
 * Issue 15, row 5: a vendor trickles its answer, one byte every 500 ms, so no idle timeout ever fires. Each
 * call has a total deadline (its configured timeout), whatever arrives meanwhile, and hangs up then; and when
 * Temporal cancels the activity (the case was cancelled), the call in flight is aborted at once.
 */
jest.setTimeout(30_000);

/** How long the trickle would last if a client read it to the end. */
const TRICKLE_MS = 8_000;

const event = completedEvent();

/** A valid answer for every client below: each byte sent 500 ms after the last. */
const BODY = JSON.stringify({
  data: { id: 'u1', kyc_status: 'passed', edd_status: 'not_reported' },
  id: 'a1',
  externalUserId: 'u1',
  reviewStatus: 'init',
  pad: ' '.repeat(64),
});

/** When the peer saw each of its connections closed by the client (ms since the request arrived). */
let hungUpAfter: number[] = [];
let mode: 'body' | 'headers' = 'body';

function trickle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const arrived = Date.now();
  const socket = res.socket;
  if (!socket) return;
  socket.once('close', () => hungUpAfter.push(Date.now() - arrived));
  // `headers`: the status line and headers themselves arrive byte by byte; `body`: headers at once.
  const raw =
    mode === 'headers'
      ? `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${BODY.length}\r\n\r\n${BODY}`
      : BODY;
  if (mode === 'body')
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
  let index = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || index >= raw.length || Date.now() - arrived > TRICKLE_MS) {
      clearInterval(timer);
      if (!socket.destroyed && mode === 'body') res.end(raw.slice(index));
      if (!socket.destroyed && mode === 'headers') socket.end(raw.slice(index));
      return;
    }
    if (mode === 'body') res.write(raw[index]);
    else socket.write(raw[index]!);
    index += 1;
  }, 500);
  socket.once('close', () => clearInterval(timer));
}

let peer: HostilePeer;
beforeAll(async () => {
  peer = await startPeer(trickle);
});
beforeEach(() => {
  hungUpAfter = [];
  mode = 'body';
});
afterAll(() => peer.close());

/** How long `call` took to settle, and how. */
async function timed(call: () => Promise<unknown>) {
  const started = Date.now();
  const outcome = await settled(call());
  return { ...outcome, ms: Date.now() - started };
}

describe('a total deadline per call, not an idle timeout', () => {
  it.each(['body', 'headers'] as const)('Kriptomat: trickled %s, cut at the 1 s timeout', (trickled) =>
    withAllowedHosts('127.0.0.1', async () => {
      mode = trickled;
      const client = new KriptomatClient({
        baseUrl: peer.url,
        auth: new StaticTokenProvider(STATIC_TOKEN),
        timeoutMs: 1_000,
      });
      const result = await timed(() => client.readKycStatus('u1'));
      expect(result.ms).toBeLessThan(2_500);
      expect(result.ok).toBe(false);
      expect(messageOf(result.value)).toMatch(/no usable response/);
      // The client hung up: the peer is not left streaming into a dead call.
      await delay(100);
      expect(hungUpAfter[0]).toBeLessThan(2_500);
    }),
  );

  it('SumSub: a trickled body is cut at the 1 s timeout', () =>
    withAllowedHosts('127.0.0.1', async () => {
      const result = await timed(() => sumsubClient(peer.url, { timeoutMs: 1_000 }).getApplicant('a1'));
      expect(result.ms).toBeLessThan(2_500);
      expect(result.ok).toBe(false);
      expect(messageOf(result.value)).toMatch(/no usable response/);
    }));

  it('the partner webhook: a trickled answer is cut at the 1 s timeout, and is no delivery', () =>
    withAllowedHosts('127.0.0.1', async () => {
      const notifier = new PartnerWebhookNotifier({
        url: `${peer.url}/hook`,
        secrets: ['s'],
        timeoutMs: 1_000,
      });
      const result = await timed(() => notifier.send(event));
      expect(result.ms).toBeLessThan(2_500);
      expect(result.ok).toBe(false);
    }));
});

describe('a cancelled activity aborts its call in flight', () => {
  /** The worker's activities over real clients of the trickling peer, with generous 30 s timeouts. */
  const activities = () =>
    createActivities({
      kriptomat: new KriptomatClient({
        baseUrl: peer.url,
        auth: new StaticTokenProvider(STATIC_TOKEN),
        timeoutMs: 30_000,
      }),
      sumsub: sumsubClient(peer.url, { timeoutMs: 30_000 }),
      sumsubSettings: {
        levelName: 'basic-kyc-level',
        kriptomatClientId: 'kriptomat',
        shareTokenTtlSecs: 600,
      },
      notifier: new PartnerWebhookNotifier({ url: `${peer.url}/hook`, secrets: ['s'], timeoutMs: 30_000 }),
    });

  it.each([
    ['readKycStatus', (a: ReturnType<typeof activities>) => a.readKycStatus('u1')],
    ['readApplicantReview', (a: ReturnType<typeof activities>) => a.readApplicantReview('a1')],
    ['notifyPartner', (a: ReturnType<typeof activities>) => a.notifyPartner(event)],
  ])('%s ends as cancelled within a second of the cancellation', (_name, run) =>
    withAllowedHosts('127.0.0.1', async () => {
      const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000 });
      const running = settled(env.run(() => run(activities())));
      await delay(700);
      const cancelledAt = Date.now();
      const hangUpsBefore = hungUpAfter.length;
      env.cancel();
      const outcome = await Promise.race([
        running,
        delay(3_000).then(() => ({ ok: true, value: 'running' })),
      ]);
      expect(outcome.value).not.toBe('running');
      expect(Date.now() - cancelledAt).toBeLessThan(1_000);
      expect(outcome.ok).toBe(false);
      // Temporal records the attempt as cancelled, not as a vendor failure to retry.
      expect(outcome.value).toBeInstanceOf(CancelledFailure);
      // The call's connection was closed by the client, not left to trickle on.
      await delay(100);
      expect(hungUpAfter).toHaveLength(hangUpsBefore + 1);
    }),
  );
});
