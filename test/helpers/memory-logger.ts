import { Writable } from 'node:stream';
import { createLogger } from '../../observability/logger';
import type { LoggerOptions } from '../../observability/logger';

/** A pino logger (the project's, redaction included) writing to memory: the tests read every line it wrote. */
export function memoryLogger({
  service = 'api',
  level = 'debug',
}: Partial<Omit<LoggerOptions, 'destination'>> = {}) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ service, level, destination });
  return {
    logger,
    /** Every line so far, one a line. */
    text: () => lines.join('\n'),
    /** Every line so far, parsed. */
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
