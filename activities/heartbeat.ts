import { currentActivityContext } from '../vendors/http/activity-context';

/**
 * Heartbeats while the activity runs, when its options ask for heartbeats (`heartbeatTimeout`). Without them,
 * an attempt lost with its worker (a crash, an OOM kill, SIGKILL) is retried only once its start-to-close
 * timeout passes, up to minutes later; with them, Temporal notices the silence within the heartbeat timeout
 * and retries at once on another worker. The heartbeat carries no details: a vendor call cannot be resumed
 * midway, and every activity is safe to run again from the start.
 */
export function withHeartbeat<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    const context = currentActivityContext();
    const timeoutMs = context?.info.heartbeatTimeoutMs;
    if (!context || !timeoutMs) return fn(...args);
    // Three beats per timeout: one delayed beat (a busy event loop) does not make the attempt look lost.
    const timer = setInterval(() => context.heartbeat(), Math.max(Math.floor(timeoutMs / 3), 100));
    try {
      return await fn(...args);
    } finally {
      clearInterval(timer);
    }
  };
}
