import { ConfigurationError } from '../domain';
import type { Logger } from './logger';

/**
 * How a process reports what stopped it at start or while running: a configuration error as its plain message
 * (for a person fixing the deployment: the variables and what is wrong, never a value), anything else as a
 * `fatal` log line, or on stderr when no logger exists yet.
 */
export function reportFailure(error: unknown, what: string, logger: Logger | undefined): void {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`${error.message}\n`);
  } else if (logger) {
    logger.fatal({ err: error }, `${what} failed`);
  } else {
    process.stderr.write(`${what} failed: ${String(error)}\n`);
  }
}
