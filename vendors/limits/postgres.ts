import { Pool } from 'pg';
import type { PoolClient } from 'pg';
import type { VendorLimits } from './vendor-limits';
import { VendorLimitsUnavailableError } from './vendor-limits';

/**
 * A small pool: a worker holds one connection while it reserves a start or claims a window (a few
 * milliseconds), rarely two at once. Short timeouts, so an activity waiting on a database that went away
 * fails (and is retried) well within its own timeout instead of hanging in the pool.
 */
const POOL_SIZE = 3;
const CONNECT_TIMEOUT_MS = 5_000;
const STATEMENT_TIMEOUT_MS = 5_000;
const IDLE_TIMEOUT_MS = 30_000;
/** How long a start stays in the table: at SumSub's full rate, about 7,000 rows per app token and method. */
const KEEP_STARTS_MS = 120_000;

/**
 * Created by the first process that needs them, under an advisory lock: two workers starting together would
 * otherwise race on `CREATE TABLE IF NOT EXISTS` (PostgreSQL can then fail one of them on pg_type's unique
 * index). Neither table holds an identifier of a person or a secret: accounts and buckets are digests.
 */
const SCHEMA_LOCK = "hashtextextended('kyc-vendor-limits:schema', 0)";
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS vendor_totp_windows (
     account text PRIMARY KEY,
     last_window bigint NOT NULL,
     claimed_at timestamptz NOT NULL DEFAULT clock_timestamp()
   )`,
  `CREATE TABLE IF NOT EXISTS vendor_request_starts (
     bucket text NOT NULL,
     started_ms bigint NOT NULL
   )`,
  'CREATE INDEX IF NOT EXISTS vendor_request_starts_bucket ON vendor_request_starts (bucket, started_ms)',
];

/**
 * One statement, so the row lock of the account's row makes the claim atomic: whoever comes second waits
 * for the first to commit and then gets the window after it. Never a window before `atLeast` (a code of a
 * past window would be refused), never one claimed before.
 */
const CLAIM_WINDOW = `
  INSERT INTO vendor_totp_windows AS t (account, last_window) VALUES ($1::text, $2::bigint)
  ON CONFLICT (account) DO UPDATE
    SET last_window = GREATEST(t.last_window + 1, EXCLUDED.last_window), claimed_at = clock_timestamp()
  RETURNING last_window`;

/**
 * Run under the bucket's advisory lock, in its own statement (so its snapshot sees every start committed
 * before the lock was granted). Times are the database's clock, the one clock every worker host shares: only
 * the returned wait, a duration, is used on the worker's clock. Starts older than `KEEP_STARTS_MS` (and the
 * window) are pruned as it goes: the last two minutes stay readable, for an operator asking what was sent.
 */
const RESERVE_START = `
  WITH clock AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms),
  pruned AS (
    DELETE FROM vendor_request_starts s USING clock
    WHERE s.bucket = $1::text AND s.started_ms <= clock.ms - GREATEST($3::bigint, ${KEEP_STARTS_MS})
  ),
  live AS (
    SELECT count(*) AS n, min(s.started_ms) AS oldest
    FROM vendor_request_starts s, clock
    WHERE s.bucket = $1::text AND s.started_ms > clock.ms - $3::bigint
  ),
  added AS (
    INSERT INTO vendor_request_starts (bucket, started_ms)
    SELECT $1::text, clock.ms FROM clock, live WHERE live.n < $2::bigint
    RETURNING started_ms
  )
  SELECT (SELECT count(*) FROM added) AS reserved, live.oldest + $3::bigint - clock.ms AS wait_ms
  FROM clock, live`;

/**
 * The vendors' limits in the engine's PostgreSQL (`KYC_DATABASE_URL`), shared by every worker process that
 * uses the same database: see `VendorLimits`. Every failure to reach the database becomes a
 * `VendorLimitsUnavailableError`; the tables are created on first use, and again after a failed attempt.
 */
export class PostgresVendorLimits implements VendorLimits {
  private readonly pool: Pool;
  private schema: Promise<void> | undefined;

  constructor(connectionString: string, options: { applicationName?: string; poolSize?: number } = {}) {
    this.pool = new Pool({
      connectionString,
      max: options.poolSize ?? POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: IDLE_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      query_timeout: STATEMENT_TIMEOUT_MS + 1_000,
      application_name: options.applicationName ?? 'kyc-vendor-limits',
    });
    // A connection the server closes (a restart, a crash) reports it as an 'error' event, which without a
    // listener ends the worker: idle ones to the pool (which drops them), checked-out ones to their client
    // (between two statements of a transaction, nobody else hears it). Each statement still fails with the
    // error, and `transaction` releases the dead client as broken; the next use opens a new one.
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  /** Creates the tables when missing; safe to call from every process at once and again. */
  ready(): Promise<void> {
    this.schema ??= this.transaction(async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`);
      for (const statement of SCHEMA) await client.query(statement);
    }).catch((error: unknown) => {
      this.schema = undefined; // asked again on the next use
      throw error;
    });
    return this.schema;
  }

  async claimTotpWindow(account: string, atLeast: number): Promise<number> {
    await this.ready();
    const result = await this.query<{ last_window: string }>(CLAIM_WINDOW, [account, atLeast]);
    return Number(result.rows[0]?.last_window);
  }

  async reserveStart(bucket: string, limit: number, windowMs: number): Promise<number> {
    await this.ready();
    return this.transaction(async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended('kyc-vendor-limits:' || $1, 0))", [
        bucket,
      ]);
      const { rows } = await client.query<{ reserved: string; wait_ms: string | null }>(RESERVE_START, [
        bucket,
        limit,
        Math.ceil(windowMs),
      ]);
      const row = rows[0];
      if (!row || Number(row.reserved) > 0) return 0;
      return Math.max(1, Number(row.wait_ms ?? 1));
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async query<R extends object>(text: string, values: unknown[]) {
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw unavailable(error);
    }
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw unavailable(error);
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        // The connection itself failed: it must not go back to the pool.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw unavailable(error);
    } finally {
      client.release(broken);
    }
  }
}

/** SQLSTATEs and socket codes worth a word; anything else is named by its code alone. */
const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  ETIMEDOUT: 'connection timed out',
  '28P01': 'the role or its password was refused',
  '28000': 'the role was refused',
  '3D000': 'no such database',
  '57P01': 'the server is shutting down',
  '57P03': 'the server is starting up',
  '57014': 'a statement timed out',
};

/**
 * The error an activity fails with: the driver's code and a word on it, never the driver's message (which
 * may quote the host, the role or, for some errors, parts of the connection string).
 */
function unavailable(error: unknown): VendorLimitsUnavailableError {
  if (error instanceof VendorLimitsUnavailableError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  const reason =
    typeof code === 'string'
      ? `${REASONS[code] ?? 'database error'} (${code})`
      : /timeout/i.test(message)
        ? 'no answer in time'
        : /terminated|ended/i.test(message)
          ? 'connection lost'
          : 'no answer';
  // No `cause`: Temporal would copy it, message and all, into the case's history.
  return new VendorLimitsUnavailableError(reason);
}
