import type http from 'node:http';
import { ApplicationFailure } from '@temporalio/common';
import { msOptionalToNumber } from '@temporalio/common/lib/time';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { StaticTokenProvider } from '../../vendors/kriptomat/auth';
import { KriptomatClient } from '../../vendors/kriptomat/client';
import { PartnerWebhookNotifier } from '../../vendors/partner/webhook-notifier';
import { KycError } from '../../domain';
import { STATIC_TOKEN } from '../helpers/kriptomat-partner';
import { sumsubClient } from '../helpers/sumsub';
import type { HostilePeer } from './hostile-peers';
import { settled, startPeer, withAllowedHosts } from './hostile-peers';
import { completedEvent } from '../helpers/partner-event';

/**
 * Issue 15, row 7: a vendor answers `Retry-After: 999999999` (32 years), or puts personal data and terminal
 * control sequences in an error text. The wait is capped (10 minutes by default), so the case is not parked in
 * `checking` for decades; and what reaches an error message (and from there workflow state, history and
 * logs) is plain text of bounded length with nothing that looks like personal data.
 */

const TEN_MINUTES = 10 * 60_000;

const event = completedEvent();

/** Personal data a careless vendor might echo, each in a form its pattern must catch. */
const PERSONAL = {
  email: 'jane.doe@example.com',
  phone: '+385 91 234 5678',
  iban: 'HR1210010051863000160',
  card: '4111 1111 1111 1111',
  digits: '12345678901',
};
const personalText = Object.values(PERSONAL).join(' / ');
/** An ANSI escape that would clear an operator's terminal, and a line break that forges a log line. */
const CONTROL = '\u001b[2J\r\n{"level":"info","msg":"forged"}\u0007';

let peer: HostilePeer;
let answer: (res: http.ServerResponse) => void = () => undefined;
beforeAll(async () => {
  peer = await startPeer((_req, res) => answer(res));
});
afterAll(() => peer.close());

/** The worker's activities over real clients of the peer. */
const activities = () =>
  createActivities({
    kriptomat: new KriptomatClient({ baseUrl: peer.url, auth: new StaticTokenProvider(STATIC_TOKEN) }),
    sumsub: sumsubClient(peer.url),
    sumsubSettings: { levelName: 'basic-kyc-level', kriptomatClientId: 'kriptomat', shareTokenTtlSecs: 600 },
    notifier: new PartnerWebhookNotifier({ url: `${peer.url}/hook`, secrets: ['s'] }),
  });

/** The failure Temporal receives from an activity run against the peer. */
async function failureOf(run: (a: ReturnType<typeof activities>) => Promise<unknown>) {
  const outcome = await settled(new MockActivityEnvironment().run(() => run(activities())));
  expect(outcome.ok).toBe(false);
  expect(outcome.value).toBeInstanceOf(ApplicationFailure);
  return outcome.value as ApplicationFailure;
}

describe('Retry-After has a ceiling', () => {
  it.each([
    ['999999999 seconds', '999999999'],
    ['a date in 2100', 'Fri, 31 Dec 2100 23:59:59 GMT'],
  ])('%s from Kriptomat, SumSub and the partner: the next attempt within 10 minutes', (_name, retryAfter) =>
    withAllowedHosts('127.0.0.1', async () => {
      answer = (res) => res.writeHead(429, { 'retry-after': retryAfter }).end();
      for (const run of [
        (a: ReturnType<typeof activities>) => a.readKycStatus('u1'),
        (a: ReturnType<typeof activities>) => a.readApplicantReview('a1'),
        (a: ReturnType<typeof activities>) => a.notifyPartner(event),
      ]) {
        const failure = await failureOf(run);
        expect(failure.type).toBe('RateLimited');
        const delay = msOptionalToNumber(failure.nextRetryDelay);
        expect(delay).toBeDefined();
        expect(delay).toBeLessThanOrEqual(TEN_MINUTES);
      }
      // The client's own error, before it becomes a Temporal failure, is capped too.
      const error = await settled(sumsubClient(peer.url).getApplicant('a1'));
      expect(error.value).toBeInstanceOf(KycError);
      expect((error.value as KycError).retryAfterMs).toBeLessThanOrEqual(TEN_MINUTES);
    }),
  );
});

/** Plain, short text without anything personal. */
function expectSanitized(message: string): void {
  // eslint-disable-next-line no-control-regex
  expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  expect(message).not.toContain('forged');
  expect(message.length).toBeLessThanOrEqual(600);
  for (const value of Object.values(PERSONAL)) expect(message).not.toContain(value);
  expect(message).not.toMatch(/@example\.com|234 5678|1111 1111|10010051863000160|2345678901/);
}

describe('vendor texts are sanitised before they reach an error message', () => {
  const hostileBody = {
    errorCode: `${PERSONAL.email}${CONTROL}`,
    errorName: `user ${personalText} ${CONTROL} ${'z'.repeat(5_000)}`,
    description: `Applicant ${personalText} is not valid`,
    correlationId: `req-1${CONTROL}${PERSONAL.email}`,
  };

  it.each([
    ['SumSub', (a: ReturnType<typeof activities>) => a.readApplicantReview('a1')],
    ['Kriptomat', (a: ReturnType<typeof activities>) => a.readKycStatus('u1')],
  ])('%s: a 400 full of personal data and control characters', (_vendor, run) =>
    withAllowedHosts('127.0.0.1', async () => {
      answer = (res) =>
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(hostileBody));
      const failure = await failureOf(run);
      expectSanitized(failure.message);
      expect(failure.message).toMatch(/HTTP 400/);
    }),
  );

  it('a correlation id header with an e-mail address in it', () =>
    withAllowedHosts('127.0.0.1', async () => {
      answer = (res) =>
        res.writeHead(503, { 'x-correlation-id': `${PERSONAL.email} ${PERSONAL.phone}` }).end();
      const error = await settled(sumsubClient(peer.url).getApplicant('a1'));
      expect(error.value).toBeInstanceOf(KycError);
      expectSanitized((error.value as KycError).message);
    }));
});
