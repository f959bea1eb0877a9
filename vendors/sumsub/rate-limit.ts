import { hashedKey, processVendorLimits } from '../limits';
import type { VendorLimits } from '../limits';
import { InProcessVendorLimits } from '../limits';

/** SumSub counts its limits over 5 seconds (docs/vendor-apis.md, "SumSub requests": GET 300, POST 50, then 429). */
const SUMSUB_LIMIT_WINDOW_MS = 5_000;

/**
 * SumSub counts arrivals, we only control departures: a request sent at the very end of our window may arrive
 * inside SumSub's next one. Counting over a slightly longer window absorbs that jitter.
 */
const ARRIVAL_MARGIN_MS = 100;

/** How many calls of each method may start per 5 seconds. */
export interface SumsubRateLimits {
  getsPer5s: number;
  postsPer5s: number;
}

export interface StartRateLimiterOptions {
  /** Where starts are counted: this limiter alone by default, or a store shared with other processes. */
  store?: VendorLimits;
  /** The store's key for this limiter's starts (a digest: see `hashedKey`). */
  bucket?: string;
  /** The clock of the default, private store; tests move it. */
  now?: () => number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Lets at most `limit` tasks start within any `windowMs`, measured at the moment each actually starts. A
 * sliding log of start times rather than Bottleneck's `minTime` spacing: Bottleneck spaces *scheduled*
 * launches, so a timer delayed by a busy event loop can bunch two launches closer than their spacing, while
 * here a late timer only ever makes a start later. Waiters start in arrival order: one loop per limiter asks
 * the store for the head of the queue and, when told to wait, sleeps exactly until the oldest start leaves
 * the window, so a shared store is asked once per start plus once per wait, never on a polling interval.
 */
export class StartRateLimiter {
  private readonly waiting: Waiter[] = [];
  private draining = false;
  private readonly store: VendorLimits;
  private readonly bucket: string;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    options: StartRateLimiterOptions = {},
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
    this.store = options.store ?? new InProcessVendorLimits(options.now);
    this.bucket = options.bucket ?? 'starts';
  }

  /**
   * Runs `task` as soon as a start is allowed. When the store cannot be asked, every call waiting fails with
   * its error (`VendorLimitsUnavailableError`) rather than going out uncounted.
   */
  async schedule<T>(task: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      void this.drain();
    });
    return task();
  }

  /** Calls waiting for their turn. */
  get queued(): number {
    return this.waiting.length;
  }

  private async drain(): Promise<void> {
    if (this.draining) return; // the running loop serves the new waiter in its turn
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        let waitMs: number;
        try {
          waitMs = await this.store.reserveStart(this.bucket, this.limit, this.windowMs);
        } catch (error) {
          for (const waiter of this.waiting.splice(0)) waiter.reject(error);
          return;
        }
        if (waitMs <= 0) this.waiting.shift()?.resolve();
        else await new Promise((resolve) => setTimeout(resolve, Math.ceil(waitMs)));
      }
    } finally {
      this.draining = false;
    }
  }
}

/** GETs and POSTs are limited separately, as SumSub counts them. */
export class SumsubRateLimiter {
  private readonly gets: StartRateLimiter;
  private readonly posts: StartRateLimiter;

  /**
   * `account` is the digest of the app token the limits belong to (see `processSumsubLimiter`): the key
   * under which a shared store counts this token's starts, with those of every other process using it.
   */
  constructor(
    readonly limits: SumsubRateLimits,
    store?: VendorLimits,
    account = 'sumsub',
  ) {
    const windowMs = SUMSUB_LIMIT_WINDOW_MS + ARRIVAL_MARGIN_MS;
    this.gets = new StartRateLimiter(limits.getsPer5s, windowMs, { store, bucket: `${account}:GET` });
    this.posts = new StartRateLimiter(limits.postsPer5s, windowMs, { store, bucket: `${account}:POST` });
  }

  /** Runs one SumSub call once its method's limit allows it to start. */
  schedule<T>(method: 'GET' | 'POST', call: () => Promise<T>): Promise<T> {
    return (method === 'GET' ? this.gets : this.posts).schedule(call);
  }
}

/** One limiter per store and SumSub app token (SumSub's limits are per token), shared by the whole process. */
const processLimiters = new WeakMap<VendorLimits, Map<string, SumsubRateLimiter>>();

/**
 * The process-wide limiter of one SumSub app token: every transport of the process that uses the token shares
 * it, however many clients and cases there are. Its starts are counted in `store`: the process's own memory
 * by default, or the engine's PostgreSQL (`processVendorLimits(KYC_DATABASE_URL)`), where every worker's
 * starts count against one budget. The first caller's limits hold for the life of the process (a worker has
 * one configuration). Keyed by a digest, so neither the map nor the store holds a copy of the token.
 */
export function processSumsubLimiter(
  account: { baseUrl: string; appToken: string },
  limits: SumsubRateLimits,
  store: VendorLimits = processVendorLimits(undefined),
): SumsubRateLimiter {
  const key = hashedKey('sumsub', account.baseUrl, account.appToken);
  let limiters = processLimiters.get(store);
  if (!limiters) processLimiters.set(store, (limiters = new Map<string, SumsubRateLimiter>()));
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = new SumsubRateLimiter(limits, store, key);
    limiters.set(key, limiter);
  }
  return limiter;
}
