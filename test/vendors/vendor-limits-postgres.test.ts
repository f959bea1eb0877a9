import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { Client } from 'pg';
import { LoginTokenProvider } from '../../vendors/kriptomat/login';
import { StartRateLimiter } from '../../vendors/sumsub/rate-limit';
import {
  hashedKey,
  InProcessVendorLimits,
  PostgresVendorLimits,
  VendorLimitsUnavailableError,
} from '../../vendors/limits';
import { clusterPaths } from '../../cluster/paths';
import type { RunningDatabase } from '../../cluster/postgres';
import { ENGINE_DATABASE, engineDatabaseUrl, startLocalDatabase } from '../../cluster/postgres';
import { startKriptomatSimulator } from '../../sandbox/kriptomat/server';
import type { RunningKriptomatSimulator } from '../../sandbox/kriptomat/server';
import { freeLoopbackPort } from '../../worker/free-port';
import { PARTNER } from '../helpers/kriptomat-partner';
import { allowLoopbackHttp } from '../helpers/recording-server';

allowLoopbackHttp();

/**
 * The vendor limits shared through PostgreSQL, as two worker processes use them: two stores, each with its
 * own pool, against a real PostgreSQL 15 of its own (cluster/postgres.ts, in a temporary cluster dir). Only
 * 127.0.0.1 traffic.
 */
let dir: string;
let db: RunningDatabase;
let url: string;
const stores: PostgresVendorLimits[] = [];
const password = randomBytes(18).toString('base64url');

/** A store as one worker process has it: its own pool (closed after the test). */
function processStore(): PostgresVendorLimits {
  const store = new PostgresVendorLimits(url, { applicationName: 'vendor-limits-test' });
  stores.push(store);
  return store;
}

beforeAll(async () => {
  // Under /var/tmp, not os.tmpdir() of a 0700 home: PostgreSQL runs as the postgres user, which must reach it.
  dir = await fs.mkdtemp('/var/tmp/kyc-limits-test-');
  await fs.chmod(dir, 0o755);
  db = await startLocalDatabase(clusterPaths({ ...process.env, KYC_CLUSTER_DIR: dir }), password, () => {});
  const admin = new Client({ connectionString: engineDatabaseUrl(db.access, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${ENGINE_DATABASE}`);
  await admin.end();
  url = engineDatabaseUrl(db.access);
}, 120_000);

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close().catch(() => undefined)));
  await db?.stop('fast');
  if (dir) await fs.rm(dir, { recursive: true, force: true });
}, 60_000);

describe('PostgresVendorLimits shared by two processes', () => {
  it('never hands out one TOTP window twice, however many claims race, nor to a restarted process', async () => {
    const [a, b] = [processStore(), processStore()];
    const account = hashedKey('kriptomat-totp-30s', 'client', 'ops@example.invalid');
    const current = Math.floor(Date.now() / 30_000);
    const claims = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).claimTotpWindow(account, current)),
    );
    expect(new Set(claims).size).toBe(40);
    // Consecutive from the current window: none skipped, none in the past.
    expect([...claims].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => current + i));
    const restarted = processStore();
    expect(await restarted.claimTotpWindow(account, current)).toBe(current + 40);
    // A later `atLeast` is honoured as is; another account has windows of its own.
    expect(await a.claimTotpWindow(account, current + 100)).toBe(current + 100);
    expect(await b.claimTotpWindow(hashedKey('kriptomat-totp-30s', 'other'), current)).toBe(current);
  });

  it('lets exactly `limit` of many racing reservations into a window, and says how long the others wait', async () => {
    const [a, b] = [processStore(), processStore()];
    const bucket = hashedKey('sumsub', 'race');
    const waits = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).reserveStart(bucket, 5, 10_000)),
    );
    expect(waits.filter((wait) => wait === 0)).toHaveLength(5);
    for (const wait of waits.filter((w) => w > 0)) {
      expect(wait).toBeGreaterThan(9_000);
      expect(wait).toBeLessThanOrEqual(10_000);
    }
  });

  it('keeps the starts of two limiters (two workers) within the limit in every window', async () => {
    const [a, b] = [processStore(), processStore()];
    const bucket = hashedKey('sumsub', 'limiters');
    const limit = 4;
    const windowMs = 600;
    const first = new StartRateLimiter(limit, windowMs, { store: a, bucket });
    const second = new StartRateLimiter(limit, windowMs, { store: b, bucket });
    const starts: number[] = [];
    const began = performance.now();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? first : second).schedule(() => Promise.resolve(starts.push(performance.now()))),
      ),
    );
    // Counted on the database's clock; measured here after the answer: allow the answer's jitter.
    expect(busiest(starts, windowMs - 40)).toBeLessThanOrEqual(limit);
    expect(busiest(starts, windowMs + 40)).toBeGreaterThanOrEqual(limit); // the limit was reached
    // 20 starts at 4 per 600 ms need at least four full windows.
    expect(performance.now() - began).toBeGreaterThanOrEqual(4 * windowMs - 40);
  });

  it('fails calls retryably while the database is down, naming the store but never the URL, then recovers', async () => {
    const store = processStore();
    const bucket = hashedKey('sumsub', 'outage');
    expect(await store.reserveStart(bucket, 10, 5_000)).toBe(0);
    await db.stop('immediate');
    try {
      const limiter = new StartRateLimiter(10, 5_000, { store, bucket });
      const failures = await Promise.allSettled(
        [1, 2, 3].map(() => limiter.schedule(() => Promise.resolve())),
      );
      for (const failure of failures) {
        expect(failure.status).toBe('rejected');
        const error = (failure as PromiseRejectedResult).reason as Error;
        expect(error).toBeInstanceOf(VendorLimitsUnavailableError);
        expect(error.message).toMatch(/^the vendor limit store \(KYC_DATABASE_URL\) is unavailable: /);
        expect(error.message).not.toContain(password);
        expect(error.message).not.toContain(String(db.access.DB_PORT));
        expect(error.message).not.toMatch(/postgres:\/\//);
      }
      await expect(store.claimTotpWindow('kriptomat-totp-30s:x', 1)).rejects.toThrow(
        VendorLimitsUnavailableError,
      );
    } finally {
      await db.start();
    }
    // The pool replaced its dead connections: the same store works again.
    expect(await store.reserveStart(bucket, 10, 5_000)).toBe(0);
  }, 60_000);

  it('survives a database stopped in the middle of transactions: every call fails retryably or succeeds', async () => {
    const store = processStore();
    const bucket = hashedKey('sumsub', 'mid-transaction');
    await store.ready();
    // Many at once, so that some connections are inside a transaction, between two statements, at the stop:
    // a connection that dies there reports it as an 'error' event, which would end the process unheard.
    const calls = Array.from({ length: 300 }, () => store.reserveStart(bucket, 1_000_000, 5_000));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await db.stop('immediate');
    try {
      const outcomes = await Promise.allSettled(calls);
      const failures = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures) {
        expect(failure.reason).toBeInstanceOf(VendorLimitsUnavailableError);
      }
    } finally {
      await db.start();
    }
    expect(await store.reserveStart(bucket, 1_000_000, 5_000)).toBe(0);
  }, 60_000);

  it('names a refused password or a closed port without quoting either', async () => {
    const wrong = new PostgresVendorLimits(engineDatabaseUrl({ ...db.access, POSTGRES_PWD: 'not-it-Xy7' }));
    const closed = new PostgresVendorLimits(
      engineDatabaseUrl({ ...db.access, DB_PORT: String(await freeLoopbackPort()) }),
    );
    try {
      await expect(wrong.reserveStart('b', 1, 1_000)).rejects.toThrow(
        'the vendor limit store (KYC_DATABASE_URL) is unavailable: the role or its password was refused (28P01)',
      );
      await expect(closed.reserveStart('b', 1, 1_000)).rejects.toThrow(
        'the vendor limit store (KYC_DATABASE_URL) is unavailable: connection refused (ECONNREFUSED)',
      );
    } finally {
      await Promise.all([wrong.close(), closed.close()]);
    }
  });
});

describe('Kriptomat logins of two processes', () => {
  let sim: RunningKriptomatSimulator;
  /** 2 s steps, so a test of consecutive windows takes seconds (the simulator accepts the current step only once). */
  const account = { ...PARTNER, totpPeriodSeconds: 2 };
  beforeEach(async () => {
    sim = await startKriptomatSimulator({ credentials: account });
  });
  afterEach(() => sim.close());

  const logins = () => sim.log.find({ service: 'kriptomat', endpoint: 'login' });

  it('never send one code twice when they share the store: every login taken at the first try', async () => {
    const providers = [processStore(), processStore(), processStore()].map(
      (limits) => new LoginTokenProvider({ baseUrl: sim.url, credentials: account, limits }),
    );
    const tokens = await Promise.all(providers.map((provider) => provider.token()));
    expect(new Set(tokens).size).toBe(3);
    expect(logins().map((login) => login.status)).toEqual([200, 200, 200]);
    // One window each, in the order claimed.
    const windows = logins().map((login) => Math.floor(login.at / 2_000));
    expect(new Set(windows).size).toBe(3);
  }, 30_000);

  it('(control) collide without it: processes keeping their own windows send one code twice', async () => {
    const providers = [1, 2].map(
      () =>
        new LoginTokenProvider({
          baseUrl: sim.url,
          credentials: account,
          limits: new InProcessVendorLimits(),
        }),
    );
    await Promise.all(providers.map((provider) => provider.token()));
    // Both logged in in the end, but one code of the first window was refused as replayed and sent again.
    expect(logins().filter((login) => login.status === 401).length).toBeGreaterThanOrEqual(1);
  }, 30_000);
});

/** The most of `times` that any `windowMs` holds (each window starting at one of them). */
function busiest(times: number[], windowMs: number): number {
  const sorted = [...times].sort((x, y) => x - y);
  let most = 0;
  for (let first = 0, last = 0; first < sorted.length; first++) {
    while (last < sorted.length && (sorted[last] ?? 0) < (sorted[first] ?? 0) + windowMs) last++;
    most = Math.max(most, last - first);
  }
  return most;
}
