import type { VendorLimits } from './vendor-limits';

/**
 * The vendors' limits kept by one process: right for a single worker (the dev server, tests), and what each
 * process falls back to without `KYC_DATABASE_URL`. Start times are taken from `now` when a start is
 * reserved, so a late timer only ever makes a start later, never two starts closer together.
 */
export class InProcessVendorLimits implements VendorLimits {
  private readonly windows = new Map<string, number>();
  private readonly starts = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  claimTotpWindow(account: string, atLeast: number): Promise<number> {
    const claimed = Math.max((this.windows.get(account) ?? -Infinity) + 1, atLeast);
    this.windows.set(account, claimed);
    return Promise.resolve(claimed);
  }

  reserveStart(bucket: string, limit: number, windowMs: number): Promise<number> {
    const now = this.now();
    let starts = this.starts.get(bucket);
    if (!starts) this.starts.set(bucket, (starts = []));
    while (starts.length > 0 && (starts[0] ?? 0) <= now - windowMs) starts.shift();
    const oldest = starts[0];
    if (oldest !== undefined && starts.length >= limit) return Promise.resolve(oldest + windowMs - now);
    starts.push(now);
    return Promise.resolve(0);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
