import { Presets, SingleBar } from 'cli-progress';
import type { CliStream } from './io';
import { writeLine } from './io';

/** Reports how far a bulk operation got. */
export interface Progress {
  tick(failed: boolean): void;
  stop(): void;
}

/** How often the plain reporter prints, so a log of a long backfill shows it is alive without flooding. */
const PLAIN_EVERY_MS = 5_000;

/**
 * A progress bar on a terminal; plain periodic lines otherwise (CI logs, `2> file`), where a bar's
 * carriage returns would be noise. Either way on stderr, so stdout keeps only results.
 */
export function createProgress(stream: CliStream, total: number, label: string): Progress {
  let done = 0;
  let failed = 0;
  if (stream.isTTY) {
    const bar = new SingleBar(
      {
        stream: stream as NodeJS.WritableStream,
        format: `${label} [{bar}] {value}/{total} | failed {failed} | {eta_formatted} left`,
        hideCursor: true,
        etaBuffer: 50,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0, { failed: 0 });
    return {
      tick: (isFailure) => bar.increment(1, { failed: (failed += isFailure ? 1 : 0) }),
      stop: () => bar.stop(),
    };
  }
  const timer = setInterval(
    () => writeLine(stream, `${label}: ${done}/${total} done, ${failed} failed`),
    PLAIN_EVERY_MS,
  );
  timer.unref();
  return {
    tick: (isFailure) => {
      done += 1;
      if (isFailure) failed += 1;
    },
    stop: () => clearInterval(timer),
  };
}
