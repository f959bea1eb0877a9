import { isAxiosError } from 'axios';
import type { CallContext, KycError } from '../../domain';
import {
  ConfigurationError,
  ContractViolationError,
  VendorAuthError,
  VendorRejectedError,
  VendorUnavailableError,
  RateLimitedError,
} from '../../domain';
import { DESTINATION_REFUSED } from './destination-guard';
import { outboundPolicy } from './outbound-policy';
import { sanitizeVendorText, vendorIdentifier } from './vendor-text';

/**
 * Turns a failed HTTP call into the engine's error model. The message carries the status, endpoint and
 * correlation id, never the request URL, headers or body (they hold tokens and personal data); whatever
 * the vendor wrote goes through `vendor-text.ts` first.
 */
export function classifyHttpError(error: unknown, endpoint: string): KycError {
  const refused = refusedDestination(error, endpoint);
  if (refused) return refused;
  const oversized = oversizedAnswer(error, endpoint);
  if (oversized) return oversized;
  if (!isAxiosError(error) || !error.response) {
    const reason = isAxiosError(error) ? (error.code ?? 'network error') : 'unexpected error';
    return new VendorUnavailableError(`no usable response: ${reason}`, { endpoint });
  }
  const { status, headers } = error.response;
  const data: unknown = error.response.data;
  const context: CallContext = { endpoint, status, correlationId: correlationIdOf(data, headers) };
  if (status >= 300 && status < 400) return redirectRefused(headers.location, context);
  if (status >= 500 || status === 408) return new VendorUnavailableError('vendor unavailable', context);
  if (status === 429)
    return new RateLimitedError('rate limited', context, retryAfterMs(headers['retry-after']));
  if (status === 401 || status === 403) return new VendorAuthError('credentials refused', context);
  return new VendorRejectedError(`request refused${errorCodeSuffix(data)}`, context);
}

/**
 * A redirect, which the HTTP client never follows (vendor-http.ts): whoever answers for the vendor's host
 * must not be able to send its tokens and bodies elsewhere. Retrying gets the same answer, so it is for a
 * person to look at (usually a base URL that moved). Only the location's host is named: its path and query
 * may hold anything.
 */
function redirectRefused(location: unknown, context: CallContext): ContractViolationError {
  const host = typeof location === 'string' ? hostOf(location) : undefined;
  const where = host
    ? `to ${host}`
    : typeof location === 'string'
      ? 'to the same host'
      : 'without a location';
  return new ContractViolationError(
    [`(redirect): answered with a redirect ${where}, which is not followed`],
    context,
  );
}

function hostOf(location: string): string | undefined {
  try {
    return sanitizeVendorText(new URL(location).host, 100);
  } catch {
    return undefined;
  }
}

/**
 * A connection the outbound policy refused (plain http, or an address that is not public, for a host not
 * allowed): the configuration points somewhere the engine must not go, which waiting will not change.
 */
function refusedDestination(error: unknown, endpoint: string): ConfigurationError | undefined {
  if (!isAxiosError(error) || error.code !== DESTINATION_REFUSED) return undefined;
  const cause = error.cause instanceof Error ? error.cause.message : 'destination refused';
  return new ConfigurationError(`${cause} (${endpoint})`);
}

/**
 * An answer abandoned because its body outgrew the client's cap: the vendor answered, but nothing the
 * engine can use, and asking again returns the same, so it is a contract violation for a person to look at,
 * not an outage to wait out. axios reports it without the response; the status is read from the request.
 */
function oversizedAnswer(error: unknown, endpoint: string): ContractViolationError | undefined {
  if (!isAxiosError(error) || error.response) return undefined;
  const cap = /^maxContentLength size of (\d+) exceeded$/.exec(error.message)?.[1];
  if (cap === undefined) return undefined;
  const status = (error.request as { res?: { statusCode?: unknown } } | undefined)?.res?.statusCode;
  return new ContractViolationError([`(body): larger than the ${cap} bytes accepted`], {
    endpoint,
    status: typeof status === 'number' ? status : undefined,
  });
}

/**
 * `Retry-After` as delta-seconds or an HTTP date, at most `maxMs` (`KYC_MAX_RETRY_AFTER`, 10 minutes by
 * default: `Retry-After: 999999999` would otherwise park a case for 32 years); undefined when absent or
 * unreadable.
 */
export function retryAfterMs(
  header: unknown,
  now = Date.now(),
  maxMs = outboundPolicy().maxRetryAfterMs,
): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.min(maxMs, Math.max(0, seconds * 1000));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.min(maxMs, Math.max(0, date - now));
}

function correlationIdOf(data: unknown, headers: Record<string, unknown>): string | undefined {
  const fromBody = isRecord(data) ? vendorIdentifier(data.correlationId) : undefined;
  const fromHeader = vendorIdentifier(headers['x-correlation-id'] ?? headers['x-request-id']);
  return fromBody ?? fromHeader;
}

/**
 * Vendors' machine-readable error codes (SumSub's `errorCode`/`errorName`), when they are identifiers. Free
 * text (`description`, `message`) is left out altogether: it names applicants and users (SumSub's 409 repeats
 * the external user id), which no pattern reliably catches.
 */
function errorCodeSuffix(data: unknown): string {
  if (!isRecord(data)) return '';
  const codes = [vendorIdentifier(data.errorCode), vendorIdentifier(data.errorName)].filter(Boolean);
  return codes.length > 0 ? `: ${codes.join(' ')}` : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
