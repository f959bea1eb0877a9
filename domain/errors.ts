/**
 * One error model for every partner API and every step. Each class names its failure `type` explicitly
 * (minifiers rename classes, so `constructor.name` is never used), and whether retrying can help is decided
 * here, once, for the activities and the workflow's retry policies alike.
 */
export const ERROR_TYPES = {
  /** Network error, timeout, 5xx or 408: the vendor may answer next time. */
  PartnerUnavailable: 'PartnerUnavailable',
  /** 429: retried after the vendor's `Retry-After` when it sends one. */
  RateLimited: 'RateLimited',
  /** A response that fails its schema: retrying returns the same body, a person must look. */
  ContractViolation: 'ContractViolation',
  /** 401/403 that a fresh token did not fix: credentials or permissions are wrong. */
  PartnerAuthFailed: 'PartnerAuthFailed',
  /** The vendor does not know this user. */
  UserNotFound: 'UserNotFound',
  /** Any other 4xx: the request itself is wrong. */
  PartnerRejected: 'PartnerRejected',
  /** Kriptomat refused a SumSub share token (SumSub's 105xx recipient codes): sharing is misconfigured. */
  ShareTokenRejected: 'ShareTokenRejected',
  /** Kriptomat refused a share token as expired or already used: the next attempt mints a fresh one. */
  ShareTokenExpired: 'ShareTokenExpired',
  /** Missing or inconsistent configuration detected at run time. */
  Configuration: 'ConfigurationError',
} as const;
export type ErrorType = (typeof ERROR_TYPES)[keyof typeof ERROR_TYPES];

const RETRYABLE: Readonly<Record<ErrorType, boolean>> = {
  PartnerUnavailable: true,
  RateLimited: true,
  ContractViolation: false,
  PartnerAuthFailed: false,
  UserNotFound: false,
  PartnerRejected: false,
  ShareTokenRejected: false,
  ShareTokenExpired: true,
  ConfigurationError: false,
};

/** The failure types no retry policy retries; the workflow parks such a case in `needs_attention`. */
export const NON_RETRYABLE_ERROR_TYPES: readonly ErrorType[] = (Object.keys(RETRYABLE) as ErrorType[]).filter(
  (type) => !RETRYABLE[type],
);

/** True when retrying a failure of this type can succeed without a person changing something. */
export function isRetryableErrorType(type: string): boolean {
  return RETRYABLE[type as ErrorType] ?? true;
}

/** What a partner call looked like, for error messages and logs: never a token, body or personal field. */
export interface CallContext {
  /** `Kriptomat GET /api/v1/partners/users/{userId}`: the template, not the filled-in URL. */
  endpoint: string;
  status?: number;
  correlationId?: string;
}

/** Base class of every error the engine raises on purpose; the subclasses below fix its `type`. */
export class KycError extends Error {
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
    this.retryable = RETRYABLE[type];
  }
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

export class PartnerUnavailableError extends KycError {
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

export class PartnerAuthError extends KycError {
  constructor(message: string, context: CallContext) {
    super(ERROR_TYPES.PartnerAuthFailed, message, context);
  }
}

export class UserNotFoundError extends KycError {
  constructor(message: string, context: CallContext) {
    super(ERROR_TYPES.UserNotFound, message, context);
  }
}

export class PartnerRejectedError extends KycError {
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
