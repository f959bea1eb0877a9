import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { PARTNER_SIGNATURE_HEADER, STANDARD_WEBHOOK_HEADERS } from '../domain';
import { REDACTED, redactDeep } from './redact';

export type { Logger } from 'pino';

/**
 * Field names whose values are personal data or secrets. Whatever logs an object carrying one (a request,
 * a vendor response, an error's context) gets `[redacted]` in its place, at any depth and in any case.
 */
const REDACTED_FIELDS = [
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
  // Kriptomat's profile and login fields are snake_case (docs/vendor-apis.md).
  'surname',
  'date_of_birth',
  'building_number',
  'postal_code',
  'city',
  'security_code',
  'client_secret',
  'access_token',
  'refresh_token',
  // Our partner webhook's signatures (legacy and Standard Webhooks), and credentials under their other usual names.
  PARTNER_SIGNATURE_HEADER,
  STANDARD_WEBHOOK_HEADERS.signature,
  'x-api-key',
  'api_key',
  'set-cookie',
  'privateKey',
] as const;

const REDACTED_LOWER_CASE: ReadonlySet<string> = new Set(REDACTED_FIELDS.map((field) => field.toLowerCase()));

/**
 * pino paths for each field at the top level, for child loggers' bindings (the deep walk of `formatters.log`
 * covers every logged object); dashed names need bracket syntax.
 */
const REDACT_PATHS = REDACTED_FIELDS.map((field) =>
  /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`,
);

export interface LoggerOptions {
  /** Which process logs: `worker`, `api`, `start`. */
  service: string;
  level?: string;
  /** Where lines go (default stdout); tests pass a stream they read. */
  destination?: DestinationStream;
}

/**
 * A JSON logger with personal data and secrets redacted by field name. Every logged object is walked to any
 * depth (an activity failure nests its context inside `error.details`); pino's path redaction stays as the
 * guard of child loggers' bindings, which the walk does not see. Errors keep their message and stack, which JSON would drop.
 */
export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  const options = {
    level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    formatters: {
      log: (object: Record<string, unknown>) =>
        redactDeep(object, REDACTED_LOWER_CASE) as Record<string, unknown>,
    },
    // The walk above already described errors; pino's own `err` serializer would relabel them `Object`.
    serializers: { err: (value: unknown) => value },
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
