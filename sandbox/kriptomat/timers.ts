/**
 * The simulator's timers (decision delays, injected latency and hangs) in one place, so that closing the
 * simulator cancels them all: a test that closes it must not leave a timer behind to fire later.
 */
export class TimerSet {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();

  /** Runs `action` after `ms`, unless the set is cleared first. */
  schedule(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      action();
    }, ms);
    this.pending.set(timer, () => undefined);
  }

  /** Resolves after `ms`, or at once when the set is cleared (the request it delays is being dropped). */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      this.pending.set(timer, resolve);
    });
  }

  /** Cancels every timer; sleepers wake up. */
  clear(): void {
    for (const [timer, wake] of this.pending) {
      clearTimeout(timer);
      wake();
    }
    this.pending.clear();
  }
}
