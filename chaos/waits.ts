/** Waits `ms`, or rejects at once when the run is aborted (Ctrl-C), so every wait of a run can be cut short. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('the chaos run was aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('the chaos run was aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Waits until the wall-clock time `at` (at once if it has passed). */
export const sleepUntil = (at: number, signal?: AbortSignal): Promise<void> =>
  sleep(Math.max(0, at - Date.now()), signal);

/** `call`, tried again after 1 s, 2 s, ... when it fails (the server may be busy or restarting). */
export async function withRetries<T>(call: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(1_000 * attempt);
    }
  }
}
