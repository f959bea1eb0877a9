/**
 * The failure types the engine raises on purpose, and what each one means, decided here once for every
 * consumer: the activities (whether Temporal retries it), the workflow's retry policies and its own loop
 * (whether the case parks), the HTTP API (what a caller is told) and the CLI (its exit code).
 *
 * The type strings are stored in workflow histories and in the retry policies of running cases, so they never
 * change. "Partner" in these names is the vendor (Kriptomat or SumSub), not the integrator.
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

/** What a failure is, and what each audience is told about it. */
export interface FailurePolicy {
  /**
   * `retryable`: time can fix it, so it is retried with backoff (or after the vendor's `Retry-After`).
   * `parks`: only a person can, so it is never retried: the case waits in `needs_attention`.
   */
  readonly kind: 'retryable' | 'parks';
  /**
   * The API's answer when the failure happened inside a request (SumSub's WebSDK token): `unavailable` (503,
   * try again later), `bad_gateway` (502, the vendor refused) or `internal` (500, a fault of ours).
   */
  readonly answer: 'unavailable' | 'bad_gateway' | 'internal';
  /** The CLI's exit code: `configuration` (4, fix a setting) or `failed` (1). */
  readonly exit: 'configuration' | 'failed';
}

/** A vendor that is down or limiting: wait and try again. */
const WAIT: FailurePolicy = { kind: 'retryable', answer: 'unavailable', exit: 'failed' };
/** A vendor that refused: retrying sends the same request and gets the same refusal. */
const REFUSED: FailurePolicy = { kind: 'parks', answer: 'bad_gateway', exit: 'failed' };

const POLICIES: Readonly<Record<ErrorType, FailurePolicy>> = {
  PartnerUnavailable: WAIT,
  RateLimited: WAIT,
  ContractViolation: REFUSED,
  PartnerAuthFailed: REFUSED,
  UserNotFound: REFUSED,
  PartnerRejected: REFUSED,
  ShareTokenRejected: REFUSED,
  ShareTokenExpired: WAIT,
  ConfigurationError: { ...REFUSED, exit: 'configuration' },
};

/**
 * Any other failure (a plain error, a type this table does not know) is a bug or an unexpected fault:
 * retried, because a crash is never a verdict on a case, and a 500 for an API caller.
 */
const UNEXPECTED: FailurePolicy = { kind: 'retryable', answer: 'internal', exit: 'failed' };

/** The policy of a failure type; `undefined` or an unknown type is an unexpected fault. */
export function failurePolicy(type: string | undefined): FailurePolicy {
  return type !== undefined && Object.hasOwn(POLICIES, type) ? POLICIES[type as ErrorType] : UNEXPECTED;
}

/** The failure types no retry policy retries; the workflow parks such a case in `needs_attention`. */
export const NON_RETRYABLE_ERROR_TYPES: readonly ErrorType[] = (Object.keys(POLICIES) as ErrorType[]).filter(
  (type) => POLICIES[type].kind === 'parks',
);

/** True when retrying a failure of this type can succeed without a person changing something. */
export function isRetryableErrorType(type: string): boolean {
  return failurePolicy(type).kind === 'retryable';
}

/**
 * True when a failed step parks the case in `needs_attention`: the activity said retrying cannot help
 * (`nonRetryable`), or the failure's type says so. Takes a Temporal `ApplicationFailure` or its recorded info.
 */
export function parksCase(failure: { type?: string | null; nonRetryable?: boolean | null }): boolean {
  return failure.nonRetryable === true || failurePolicy(failure.type ?? undefined).kind === 'parks';
}
