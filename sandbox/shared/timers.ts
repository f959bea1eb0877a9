/**
 * Every timer a simulator starts (decision delays, review steps, webhook retries, injected latency and hangs),
 * so that closing it stops them all at once and a test run leaves nothing behind. Once cleared, new timers are
 * refused.
 */
export class TimerSet {
  private readonly pending = new Map<NodeJS.Timeout, (() => void) | undefined>();
  private closed = false;

  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs `fn` after `ms` unless cleared first; returns a function that cancels it. */
  after(ms: number, fn: () => void, onClear?: () => void): () => void {
    if (this.closed) {
      onClear?.();
      return () => {};
    }
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      fn();
    }, ms);
    this.pending.set(timer, onClear);
    return () => {
      clearTimeout(timer);
      this.pending.delete(timer);
    };
  }

  /** Resolves after `ms`, or at once when the set is cleared (the caller then finds `isClosed`). */
  sleep(ms: number): Promise<void> {
    // Most requests have no injected latency: no timer for them.
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => this.after(ms, resolve, resolve));
  }

  /** Stops every pending timer and wakes every sleeper. */
  clear(): void {
    this.closed = true;
    for (const [timer, onClear] of this.pending) {
      clearTimeout(timer);
      onClear?.();
    }
    this.pending.clear();
  }
}
