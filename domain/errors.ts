import type { ErrorType, FailurePolicy } from './failure-policy';
import { ERROR_TYPES, failurePolicy } from './failure-policy';

/** What a vendor call looked like, for error messages and logs: never a token, body or personal field. */
export interface CallContext {
  /** `Kriptomat GET /api/v1/partners/users/{userId}`: the template, not the filled-in URL. */
  endpoint: string;
  status?: number;
  correlationId?: string;
}

/**
 * Base class of every error the engine raises on purpose, for every vendor API and every step. The subclasses
 * below fix its `type` explicitly (minifiers rename classes, so `constructor.name` is never used); what a type
 * means is decided by the failure policy.
 */
export class KycError extends Error {
  /** Whether retrying can help, as the failure policy decides for this `type`. */
  readonly retryable: boolean;

  constructor(
    readonly type: ErrorType,
    message: string,
    readonly context?: CallContext,
    /** Milliseconds the vendor asked us to wait before the next try (`Retry-After`). */
    readonly retryAfterMs?: number,
  ) {
    super(context ? `${message} (${describeCall(context)})` : message);
    this.name = type;
    this.retryable = failurePolicy(type).kind === 'retryable';
  }
}

/** The policy of any error: a `KycError`'s type decides it; anything else is an unexpected fault. */
export function failurePolicyOf(error: unknown): FailurePolicy {
  return failurePolicy(error instanceof KycError ? error.type : undefined);
}

function describeCall({ endpoint, status, correlationId }: CallContext): string {
  return [
    endpoint,
    status === undefined ? 'no response' : `HTTP ${status}`,
    correlationId && `correlation id ${correlationId}`,
  ]
    .filter(Boolean)
    .join(', ');
}

export class VendorUnavailableError extends KycError {
  constructor(message: string, context?: CallContext) {
    super(ERROR_TYPES.PartnerUnavailable, message, context);
  }
}

export class RateLimitedError extends KycError {
  constructor(message: string, context: CallContext, retryAfterMs?: number) {
    super(ERROR_TYPES.RateLimited, message, context, retryAfterMs);
  }
}

/** A response body that fails its schema; `issues` are `path: problem` lines, never the offending values. */
export class ContractViolationError extends KycError {
  constructor(
    readonly issues: readonly string[],
    context: CallContext,
  ) {
    super(ERROR_TYPES.ContractViolation, `response breaks its contract: ${issues.join('; ')}`, context);
  }
}

export class VendorAuthError extends KycError {
  constructor(message: string, context: CallContext) {
    super(ERROR_TYPES.PartnerAuthFailed, message, context);
  }
}

export class UserNotFoundError extends KycError {
  constructor(message: string, context: CallContext) {
    super(ERROR_TYPES.UserNotFound, message, context);
  }
}

export class VendorRejectedError extends KycError {
  constructor(message: string, context: CallContext) {
    super(ERROR_TYPES.PartnerRejected, message, context);
  }
}

export class ShareTokenRejectedError extends KycError {
  constructor(message: string, context: CallContext) {
    super(ERROR_TYPES.ShareTokenRejected, message, context);
  }
}

export class ShareTokenExpiredError extends KycError {
  constructor(message: string, context: CallContext) {
    super(ERROR_TYPES.ShareTokenExpired, message, context);
  }
}

export class ConfigurationError extends KycError {
  constructor(message: string) {
    super(ERROR_TYPES.Configuration, message);
  }
}
