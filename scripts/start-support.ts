/** Helpers of scripts/start.ts: environment settings, errors worth a plain message, and stop signals. */
import os from 'node:os';

export const log = (line: string): void => void process.stderr.write(`[start] ${line}\n`);

/** An error whose message says it all (a taken port, a crashed server): printed without a stack trace. */
export class PlainError extends Error {}

export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new PlainError(`${name}=${raw} is not a port number (1-65535)`);
  }
  return port;
}

export function portInUse(port: number, what: string, envVar: string): PlainError {
  return new PlainError(
    `port ${port} (${what}) is already in use, perhaps by another \`npm start\`. ` +
      `Stop that, or choose a free port with ${envVar}=<port>.`,
  );
}

export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** The first SIGINT/SIGTERM asks for an orderly stop; a second one exits at once. */
export function watchStopSignals(): { signal: Promise<NodeJS.Signals>; requested(): boolean } {
  let received: NodeJS.Signals | null = null;
  let resolve: (signal: NodeJS.Signals) => void = () => undefined;
  const signal = new Promise<NodeJS.Signals>((r) => (resolve = r));
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    process.on(name, () => {
      if (received) {
        // process.exit runs the dev server module's exit hook, which kills the server.
        log(`${name} again: exiting without waiting`);
        process.exit(128 + os.constants.signals[name]);
      }
      received = name;
      log(`${name}: stopping (send it again to exit at once)`);
      resolve(name);
    });
  }
  return { signal, requested: () => received !== null };
}

/** `promise`, or a rejection naming `what` once `ms` pass. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
