import { processSumsubLimiter, StartRateLimiter, SumsubRateLimiter } from '../../vendors/sumsub/rate-limit';
import type { VendorLimits } from '../../vendors/limits';
import { InProcessVendorLimits, VendorLimitsUnavailableError } from '../../vendors/limits';
import { loadWorkerConfig } from '../../config';
import type { HttpCallObserver } from '../../observability/metrics-types';
import { startSumsubSimulator } from '../../sandbox/sumsub/server';
import type { RunningSumsubSimulator } from '../../sandbox/sumsub/server';
import { vendorClientsFrom } from '../../vendors/clients';
import { TEST_CODEC_ENV } from '../helpers/codec';
import { SUMSUB_APP_TOKEN, SUMSUB_SECRET, sumsubClient } from '../helpers/sumsub';
import { allowLoopbackHttp } from '../helpers/recording-server';

allowLoopbackHttp();

/**
 * SumSub answers 429 past 300 GETs or 50 POSTs in 5 s (docs/vendor-apis.md). The worker's limiter must hold
 * its configured share however many cases call at once: checked on the start of every call, and on the
 * simulator's log that every call was answered.
 */
const LEVEL = 'basic-kyc-level';
const WINDOW_MS = 5_000;
const LIMIT = 5;
const CALLS = 12;

let sim: RunningSumsubSimulator;
beforeAll(async () => {
  sim = await startSumsubSimulator({ appToken: SUMSUB_APP_TOKEN, secretKey: SUMSUB_SECRET });
});
afterAll(() => sim.close());

/** The most start times any 5-second window of `starts` holds (each window starting at a start). */
function busiestWindow(starts: number[]): number {
  const times = [...starts].sort((a, b) => a - b);
  let busiest = 0;
  for (let first = 0, last = 0; first < times.length; first++) {
    while (last < times.length && (times[last] ?? 0) < (times[first] ?? 0) + WINDOW_MS) last++;
    busiest = Math.max(busiest, last - first);
  }
  return busiest;
}

describe('the SumSub rate limit of a worker process', () => {
  it(`lets at most ${LIMIT} GETs and ${LIMIT} POSTs start in any 5 s, however many cases call at once`, async () => {
    // The worker's wiring: two sets of clients from one configuration share the process-wide limiter.
    const config = loadWorkerConfig({
      KRIPTOMAT_BASE_URL: 'http://127.0.0.1:9',
      KRIPTOMAT_TOKEN: 'unused',
      SUMSUB_BASE_URL: sim.url,
      SUMSUB_APP_TOKEN,
      SUMSUB_SECRET_KEY: SUMSUB_SECRET,
      SUMSUB_KRIPTOMAT_CLIENT_ID: 'kriptomat',
      SUMSUB_GETS_PER_5S: String(LIMIT),
      SUMSUB_POSTS_PER_5S: String(LIMIT),
      ...TEST_CODEC_ENV,
    });
    // When each call left the client, as the limiter sees it: the simulator only sees arrivals, and on a busy
    // machine two calls started 5 s apart may arrive closer together.
    const starts: { method: string; at: number }[] = [];
    const observer: HttpCallObserver = ({ endpoint, durationMs }) =>
      starts.push({ method: endpoint.split(' ')[1] ?? '', at: performance.now() - durationMs });
    const clients = [
      vendorClientsFrom(config, { observer }).sumsub,
      vendorClientsFrom(config, { observer }).sumsub,
    ];
    // Applicants to read, made beforehand by a client outside the limit.
    const unlimited = sumsubClient(sim.url);
    const existing = await Promise.all(
      Array.from({ length: CALLS }, (_, i) =>
        unlimited.ensureApplicant(LEVEL, { externalUserId: `read-${i}` }),
      ),
    );

    const results = await Promise.all([
      ...Array.from({ length: CALLS }, (_, i) =>
        clients[i % 2]?.ensureApplicant(LEVEL, { externalUserId: `create-${i}` }),
      ),
      ...existing.map((applicant, i) => clients[i % 2]?.getReview(applicant.id)),
    ]);

    expect(results.filter(Boolean)).toHaveLength(2 * CALLS); // every call succeeded, none was refused
    // Not by time: the simulator logs a request once answered, so the last set-up call may log late.
    const limited = sim.log.requests.filter(
      (request) => request.method === 'GET' || request.userId?.startsWith('create-'),
    );
    const posts = limited.filter((request) => request.method === 'POST');
    const gets = limited.filter((request) => request.method === 'GET');
    expect(posts).toHaveLength(CALLS);
    expect(gets).toHaveLength(CALLS);
    expect(limited.every((request) => request.status >= 200 && request.status < 300)).toBe(true);
    // The limit was reached (the calls did queue) and never exceeded.
    const startsOf = (method: string) =>
      starts.filter((start) => start.method === method).map(({ at }) => at);
    expect(startsOf('POST')).toHaveLength(CALLS);
    expect(startsOf('GET')).toHaveLength(CALLS);
    expect(busiestWindow(startsOf('POST'))).toBe(LIMIT);
    expect(busiestWindow(startsOf('GET'))).toBe(LIMIT);
  });

  it('is one limiter per SumSub app token, shared by the whole process', () => {
    const limits = { getsPer5s: 270, postsPer5s: 45 };
    const account = { baseUrl: 'https://api.sumsub.com', appToken: 'prd:one' };
    expect(processSumsubLimiter(account, limits)).toBe(processSumsubLimiter({ ...account }, limits));
    expect(processSumsubLimiter(account, limits)).not.toBe(
      processSumsubLimiter({ ...account, appToken: 'prd:two' }, limits),
    );
  });
});

describe('StartRateLimiter', () => {
  it('starts waiting tasks in arrival order, once the oldest start leaves the window', async () => {
    let clock = 0;
    const limiter = new StartRateLimiter(2, 1_000, { now: () => clock });
    const started: number[] = [];
    const tasks = [1, 2, 3].map((n) => limiter.schedule(() => Promise.resolve(started.push(n))));
    await Promise.all(tasks.slice(0, 2));
    expect(started).toEqual([1, 2]);
    expect(limiter.queued).toBe(1);
    clock = 1_000; // the window has passed when the limiter's timer fires
    await tasks[2];
    expect(started).toEqual([1, 2, 3]);
  });
});

describe('a limiter whose shared store is down', () => {
  /** What PostgresVendorLimits answers while its database does not. */
  const downStore: VendorLimits = {
    claimTotpWindow: () =>
      Promise.reject(new VendorLimitsUnavailableError('connection refused (ECONNREFUSED)')),
    reserveStart: () => Promise.reject(new VendorLimitsUnavailableError('connection refused (ECONNREFUSED)')),
    close: () => Promise.resolve(),
  };

  it("fails every waiting call with the store's error and sends none of them", async () => {
    const limiter = new StartRateLimiter(5, 5_000, { store: downStore, bucket: 'b' });
    let sent = 0;
    const calls = await Promise.allSettled(
      [1, 2, 3].map(() => limiter.schedule(() => Promise.resolve(sent++))),
    );
    expect(calls.map((call) => call.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(sent).toBe(0);
    expect(limiter.queued).toBe(0);
  });

  it("reaches the SumSub client's caller as VendorLimitsUnavailable, not as a SumSub outage", async () => {
    const client = sumsubClient(sim.url, {
      limiter: new SumsubRateLimiter({ getsPer5s: 5, postsPer5s: 5 }, downStore),
    });
    const before = sim.log.requests.length;
    const failure = await client.getReview('no-such-applicant').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(VendorLimitsUnavailableError);
    expect((failure as Error).message).toBe(
      'the vendor limit store (KYC_DATABASE_URL) is unavailable: connection refused (ECONNREFUSED)',
    );
    expect(sim.log.requests.length).toBe(before);
  });

  it('recovers once the store answers again', async () => {
    let down = true;
    const healthy = new InProcessVendorLimits();
    const flaky: VendorLimits = {
      claimTotpWindow: (account, atLeast) => healthy.claimTotpWindow(account, atLeast),
      reserveStart: (bucket, limit, windowMs) =>
        down
          ? downStore.reserveStart(bucket, limit, windowMs)
          : healthy.reserveStart(bucket, limit, windowMs),
      close: () => Promise.resolve(),
    };
    const limiter = new StartRateLimiter(5, 5_000, { store: flaky, bucket: 'b' });
    await expect(limiter.schedule(() => Promise.resolve('sent'))).rejects.toThrow(
      VendorLimitsUnavailableError,
    );
    down = false;
    await expect(limiter.schedule(() => Promise.resolve('sent'))).resolves.toBe('sent');
  });
});
