import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names whose values are personal data or secrets. Whatever logs an object carrying one (a request,
 * a vendor response, an error's context) gets `[redacted]` in its place, at any of the first three levels.
 */
export const REDACTED_FIELDS = [
  'email',
  'phone',
  'name',
  'firstName',
  'lastName',
  'middleName',
  'dob',
  'birthDate',
  'dateOfBirth',
  'address',
  'addresses',
  'street',
  'token',
  'accessToken',
  'shareToken',
  'secret',
  'secretKey',
  'clientSecret',
  'password',
  'apiKey',
  'totpSecret',
  'authorization',
  'cookie',
  'x-app-access-sig',
  'x-app-token',
  'x-payload-digest',
] as const;

/** pino paths for each field at the top level and two levels down; dashed names need bracket syntax. */
const REDACT_PATHS = REDACTED_FIELDS.flatMap((field) => {
  const step = /^[A-Za-z_$][\w$]*$/.test(field) ? `.${field}` : `["${field}"]`;
  return [step.startsWith('.') ? field : step, `*${step}`, `*.*${step}`];
});

export interface LoggerOptions {
  /** Which process logs: `worker`, `api`, `start`. */
  service: string;
  level?: string;
  /** Where lines go (default stdout); tests pass a stream they read. */
  destination?: DestinationStream;
}

/** A JSON logger with personal data and secrets redacted by field name. */
export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  const options = {
    level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The Temporal SDK's logger interface over pino, so worker, workflow and activity logs share one stream. */
export function sdkLogger(logger: Logger): SdkLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata): void =>
    logger[PINO_LEVEL[level]](meta ?? {}, message);
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
