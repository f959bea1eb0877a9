import { isAxiosError } from 'axios';
import type { CallContext, KycError } from '../../domain';
import {
  ContractViolationError,
  PartnerAuthError,
  PartnerRejectedError,
  PartnerUnavailableError,
  RateLimitedError,
} from '../../domain';
import { MAX_VENDOR_BODY_BYTES } from './limits';

/**
 * Turns a failed HTTP call into the engine's error model. The message carries the status, endpoint and
 * correlation id, never the request URL, headers or body (they hold tokens and personal data).
 */
export function classifyHttpError(error: unknown, endpoint: string): KycError {
  const oversized = oversizedAnswer(error, endpoint);
  if (oversized) return oversized;
  if (!isAxiosError(error) || !error.response) {
    const reason = isAxiosError(error) ? (error.code ?? 'network error') : 'unexpected error';
    return new PartnerUnavailableError(`no usable response: ${reason}`, { endpoint });
  }
  const { status, headers } = error.response;
  const data: unknown = error.response.data;
  const context: CallContext = { endpoint, status, correlationId: correlationIdOf(data, headers) };
  if (status >= 500 || status === 408) return new PartnerUnavailableError('vendor unavailable', context);
  if (status === 429)
    return new RateLimitedError('rate limited', context, retryAfterMs(headers['retry-after']));
  if (status === 401 || status === 403) return new PartnerAuthError('credentials refused', context);
  return new PartnerRejectedError(`request refused${errorCodeSuffix(data)}`, context);
}

/**
 * An answer abandoned because its body outgrew `MAX_VENDOR_BODY_BYTES`: the vendor answered, but nothing the
 * engine can use, and asking again returns the same, so it is a contract violation for a person to look at,
 * not an outage to wait out. axios reports it without the response; the status is read from the request.
 */
function oversizedAnswer(error: unknown, endpoint: string): ContractViolationError | undefined {
  if (!isAxiosError(error) || error.response) return undefined;
  if (!/^maxContentLength size of \d+ exceeded$/.test(error.message)) return undefined;
  const status = (error.request as { res?: { statusCode?: unknown } } | undefined)?.res?.statusCode;
  return new ContractViolationError([`(body): larger than the ${MAX_VENDOR_BODY_BYTES} bytes accepted`], {
    endpoint,
    status: typeof status === 'number' ? status : undefined,
  });
}

/** `Retry-After` as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function correlationIdOf(data: unknown, headers: Record<string, unknown>): string | undefined {
  const fromBody = isRecord(data) && typeof data.correlationId === 'string' ? data.correlationId : undefined;
  const fromHeader = headers['x-correlation-id'] ?? headers['x-request-id'];
  return fromBody ?? (typeof fromHeader === 'string' ? fromHeader : undefined);
}

/** Vendors' machine-readable error codes (SumSub's `errorCode`/`errorName`) are safe to show; descriptions may not be. */
function errorCodeSuffix(data: unknown): string {
  if (!isRecord(data)) return '';
  const parts = [data.errorCode, data.errorName].filter(
    (part) => typeof part === 'number' || typeof part === 'string',
  );
  return parts.length > 0 ? `: ${parts.join(' ')}` : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
