import type http from 'node:http';
import { gzipSync } from 'node:zlib';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { StaticTokenProvider } from '../../vendors/kriptomat/auth';
import { KriptomatClient } from '../../vendors/kriptomat/client';
import { createNotifyPartner } from '../../activities/notify-partner';
import { PartnerWebhookNotifier } from '../../vendors/partner/webhook-notifier';
import { KycError } from '../../domain';
import { STATIC_TOKEN } from '../helpers/kriptomat-partner';
import { sumsubClient } from '../helpers/sumsub';
import type { HostilePeer } from './hostile-peers';
import { delay, messageOf, settled, startPeer, withAllowedHosts } from './hostile-peers';
import { completedEvent } from '../helpers/partner-event';

/**
 * Issue 15, row 4: a vendor or the partner's webhook endpoint answers with a huge or endless body. Every
 * client stops reading once the answer outgrows its cap, counted in bytes as they stream in (and after
 * decompression, so a gzip bomb is caught too), the worker's memory stays flat, and an over-cap 2xx from
 * the partner is not a delivery: the event stays undelivered and is retried.
 */
jest.setTimeout(30_000);

const MiB = 1024 * 1024;
/** More than any cap, and less than what would hurt the machine if a client read it all. */
const HOSTILE_LIMIT = 192 * MiB;

const event = completedEvent();

/** Bytes the endless peer got onto the wire before the client hung up. */
let written = 0;

/** A 200 whose body never ends (up to `HOSTILE_LIMIT`, then it just stays open), as fast as the client reads. */
function endless(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"data":"');
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const pump = () => {
    while (written < HOSTILE_LIMIT && !res.destroyed) {
      written += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
  };
  pump();
}

/** 64 MiB of JSON-ish zeros in about 64 KiB of gzip. */
const BOMB = gzipSync(
  Buffer.concat([Buffer.from('{"data":"'), Buffer.alloc(64 * MiB, '0'), Buffer.from('"}')]),
);

let peer: HostilePeer;
let mode: 'endless' | 'five-mib' | 'gzip-bomb' = 'endless';
beforeAll(async () => {
  peer = await startPeer((_req, res) => {
    if (mode === 'endless') return endless(res);
    if (mode === 'gzip-bomb') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      return void res.end(BOMB);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"ok":true,"padding":"${'x'.repeat(5 * MiB)}"}`);
  });
});
beforeEach(() => {
  written = 0;
  mode = 'endless';
});
afterAll(() => peer.close());

/**
 * Runs `call` while sampling the resident memory, and settles it or gives up after `withinMs`: the outcome,
 * the time it took and the largest growth of RSS seen meanwhile.
 */
async function measured(call: () => Promise<unknown>, withinMs = 5_000) {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const started = Date.now();
  const outcome = await Promise.race([
    settled(call()),
    delay(withinMs).then((): { ok: boolean; value: unknown } => ({ ok: true, value: 'still reading' })),
  ]);
  clearInterval(sampler);
  return { ...outcome, ms: Date.now() - started, grewBy: peak - baseline };
}

/** The client gave up with an engine error about the body's size, read little, and memory stayed flat. */
function expectCapped(result: Awaited<ReturnType<typeof measured>>): void {
  expect(result.value).not.toBe('still reading');
  expect(result.ok).toBe(false);
  expect(result.value).toBeInstanceOf(KycError);
  expect(messageOf(result.value)).toMatch(/\(body\): larger than the \d+ bytes accepted/);
  // The body itself never reaches the message.
  expect(messageOf(result.value)).not.toMatch(/aaaa|xxxx|0000000/);
  expect(result.grewBy).toBeLessThan(64 * MiB);
}

describe('answer bodies are capped while they stream in', () => {
  it('the partner webhook: an endless 2xx is cut off, and not a delivery', () =>
    withAllowedHosts('127.0.0.1', async () => {
      const notifier = new PartnerWebhookNotifier({ url: `${peer.url}/hook`, secrets: ['partner-secret'] });
      const result = await measured(() => notifier.send(event));
      expectCapped(result);
      // The peer could push little more than socket buffers before the client hung up.
      expect(written).toBeLessThan(32 * MiB);
    }));

  it('the partner webhook: a 5 MiB 2xx is not a delivery, so the activity fails and is retried', () =>
    withAllowedHosts('127.0.0.1', async () => {
      mode = 'five-mib';
      const notifier = new PartnerWebhookNotifier({ url: `${peer.url}/hook`, secrets: ['partner-secret'] });
      expectCapped(await measured(() => notifier.send(event)));
      const activity = createNotifyPartner(notifier);
      const outcome = await settled(new MockActivityEnvironment().run(activity, event));
      expect(outcome.ok).toBe(false);
      expect(outcome.value).toBeInstanceOf(ApplicationFailure);
      expect((outcome.value as ApplicationFailure).nonRetryable).toBe(false);
    }));

  it('Kriptomat: an endless answer is cut off at the cap', () =>
    withAllowedHosts('127.0.0.1', async () => {
      const client = new KriptomatClient({ baseUrl: peer.url, auth: new StaticTokenProvider(STATIC_TOKEN) });
      expectCapped(await measured(() => client.readKycStatus('u1')));
      expect(written).toBeLessThan(32 * MiB);
    }));

  it('SumSub: an endless answer is cut off at the cap', () =>
    withAllowedHosts('127.0.0.1', async () => {
      expectCapped(await measured(() => sumsubClient(peer.url).getApplicant('a1')));
      expect(written).toBeLessThan(32 * MiB);
    }));

  it('a gzip bomb is counted as it inflates, not as it arrives', () =>
    withAllowedHosts('127.0.0.1', async () => {
      mode = 'gzip-bomb';
      const client = new KriptomatClient({ baseUrl: peer.url, auth: new StaticTokenProvider(STATIC_TOKEN) });
      expectCapped(await measured(() => client.readKycStatus('u1')));
      const notifier = new PartnerWebhookNotifier({ url: `${peer.url}/hook`, secrets: ['partner-secret'] });
      expectCapped(await measured(() => notifier.send(event)));
    }));
});
