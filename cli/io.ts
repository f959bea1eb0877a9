/** A stream the CLI writes to; `isTTY` decides between a progress bar and plain lines. */
export interface CliStream {
  write(text: string, done?: () => void): unknown;
  isTTY?: boolean;
}

/**
 * Everything the CLI touches outside itself, so `run` can be driven by tests as well as by the process:
 * results go to `stdout`, messages and progress to `stderr`, so `--json` output stays pure.
 */
export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  env: NodeJS.ProcessEnv;
  /** Calls `handler` on Ctrl-C instead of dying; the returned function stops listening. */
  onInterrupt(handler: () => void): () => void;
}

/** The real process's streams, environment and SIGINT. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
}

/** Writes one line to a stream. */
export function writeLine(stream: CliStream, line = ''): void {
  stream.write(`${line}\n`);
}

/** Waits until the streams took every byte written so far, so exiting cannot cut output short. */
export async function flush(...streams: CliStream[]): Promise<void> {
  await Promise.all(
    streams.map(
      (stream) =>
        new Promise<void>((resolve) => {
          stream.write('', () => resolve());
        }),
    ),
  );
}
