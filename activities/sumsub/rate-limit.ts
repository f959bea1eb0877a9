import { createHash } from 'node:crypto';

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

/**
 * Lets at most `limit` tasks start within any `windowMs`, measured at the moment each actually starts. A
 * sliding log of start times rather than Bottleneck's `minTime` spacing: Bottleneck spaces *scheduled*
 * launches, so a timer delayed by a busy event loop can bunch two launches closer than their spacing, while
 * here a late timer only ever makes a start later. Waiters start in arrival order.
 */
export class StartRateLimiter {
  private readonly starts: number[] = [];
  private readonly waiting: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  }

  /** Runs `task` as soon as a start is allowed. */
  async schedule<T>(task: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.drain();
    });
    return task();
  }

  /** Calls waiting for their turn. */
  get queued(): number {
    return this.waiting.length;
  }

  private drain(): void {
    if (this.timer) return; // the pending timer drains when the oldest start leaves the window
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
      const now = this.now();
      while (this.starts.length > 0 && (this.starts[0] ?? 0) <= now - this.windowMs) this.starts.shift();
      const oldest = this.starts[0];
      if (oldest !== undefined && this.starts.length >= this.limit) {
        this.waiting.unshift(next);
        this.timer = setTimeout(
          () => {
            this.timer = undefined;
            this.drain();
          },
          oldest + this.windowMs - now,
        );
        return;
      }
      this.starts.push(now);
      next();
    }
  }
}

/** GETs and POSTs are limited separately, as SumSub counts them. */
export class SumsubRateLimiter {
  private readonly gets: StartRateLimiter;
  private readonly posts: StartRateLimiter;

  constructor(readonly limits: SumsubRateLimits) {
    const windowMs = SUMSUB_LIMIT_WINDOW_MS + ARRIVAL_MARGIN_MS;
    this.gets = new StartRateLimiter(limits.getsPer5s, windowMs);
    this.posts = new StartRateLimiter(limits.postsPer5s, windowMs);
  }

  /** Runs one SumSub call once its method's limit allows it to start. */
  schedule<T>(method: 'GET' | 'POST', call: () => Promise<T>): Promise<T> {
    return (method === 'GET' ? this.gets : this.posts).schedule(call);
  }
}

/** One limiter per SumSub app token (SumSub's limits are per token), shared by the whole process. */
const processLimiters = new Map<string, SumsubRateLimiter>();

/**
 * The process-wide limiter of one SumSub app token: every transport of the process that uses the token shares
 * it, however many clients and cases there are. The first caller's limits hold for the life of the process
 * (a worker has one configuration). The map is keyed by a digest, so it holds no copy of the token.
 */
export function processSumsubLimiter(
  account: { baseUrl: string; appToken: string },
  limits: SumsubRateLimits,
): SumsubRateLimiter {
  const key = createHash('sha256').update(`${account.baseUrl}\n${account.appToken}`).digest('hex');
  let limiter = processLimiters.get(key);
  if (!limiter) {
    limiter = new SumsubRateLimiter(limits);
    processLimiters.set(key, limiter);
  }
  return limiter;
}
