import { createHash } from 'node:crypto';

/** Enough for SumSub's redeliveries of a busy day on one replica, at about a hundred bytes an entry. */
const DEFAULT_CAPACITY = 10_000;

/**
 * The webhook bodies this process has recently taken, so an exact replay (SumSub redelivering what was
 * already signalled, or someone resending a captured delivery) is answered without signalling the case a
 * second time. Bounded: the oldest entries go first. Per process only, and only an economy: a delivery is a
 * hint that wakes the case, which then reads the review from SumSub, so a replay reaching another replica
 * or arriving after a restart costs one more read, never a wrong decision (docs/vendor-apis.md, "SumSub
 * webhooks"). Keys are SHA-256 digests of the raw body, so nothing of the body is kept.
 */
export class RecentDeliveries {
  /** Insertion-ordered, so the first key is the oldest. */
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
  }

  /**
   * Claims `rawBody` for one delivery: false when the same bytes were taken, or are being taken, already.
   * The caller then settles the claim with `taken` or `release`.
   */
  claim(rawBody: Buffer): { claimed: boolean; taken: () => void; release: () => void } {
    const key = createHash('sha256').update(rawBody).digest('base64');
    if (this.seen.has(key)) return { claimed: false, taken: () => {}, release: () => {} };
    this.seen.add(key);
    this.evict();
    return {
      claimed: true,
      taken: () => void this.seen.add(key),
      // A delivery that failed (Temporal unavailable) must be taken again when SumSub redelivers it.
      release: () => void this.seen.delete(key),
    };
  }

  get size(): number {
    return this.seen.size;
  }

  private evict(): void {
    for (const key of this.seen) {
      if (this.seen.size <= this.capacity) return;
      this.seen.delete(key);
    }
  }
}
