import {
  ServiceError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import type { Context, ErrorHandler, ValidationTargets } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { VendorLimitsUnavailableError } from '../vendors/limits';
import type { FailurePolicy } from '../domain';
import { failurePolicyOf } from '../domain';
import type { Logger } from '../observability/logger';
import { CaseClosedError, CaseNotFoundError, InvalidUserIdError } from '../client/case-errors';
import { endpointPattern } from './request-log';
import { MAX_ERROR_MESSAGE, MAX_ISSUES, MAX_ISSUE_PATH } from './schemas';

/** One problem with a request: where (`body.reason`, `query.phase`, `params.userId`) and what. */
export interface ApiIssue {
  path: string;
  message: string;
}

/** A request that failed its schema; the error handler answers 400 with the issues. */
class RequestValidationError extends Error {
  override name = 'RequestValidationError';
  constructor(readonly issues: ApiIssue[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '));
  }
}

const TARGET_PREFIX: Record<keyof ValidationTargets, string> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'params',
  header: 'headers',
  cookie: 'cookies',
};

/**
 * zod's issues as the API reports them: the path prefixed by the part of the request it is in. Bounded as the
 * document says: the first `MAX_ISSUES`, each path cut at `MAX_ISSUE_PATH` (a path can hold a key the caller
 * chose, such as a codec payload's metadata key) and each message at `MAX_ERROR_MESSAGE`.
 */
function issuesOf(target: keyof ValidationTargets, error: ZodError): ApiIssue[] {
  return error.issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: [TARGET_PREFIX[target], ...issue.path.map(String)].join('.').slice(0, MAX_ISSUE_PATH),
    message: issue.message.slice(0, MAX_ERROR_MESSAGE),
  }));
}

type ValidationResult = { target: keyof ValidationTargets } & (
  { success: true; data: unknown } | { success: false; error: ZodError }
);

/** The validation hook of every route: a failed schema becomes one error for the one error handler. */
export function validationHook(result: ValidationResult): void {
  if (!result.success) throw new RequestValidationError(issuesOf(result.target, result.error));
}

/**
 * True when the error means Temporal could not be reached or did not answer in time: the caller may try
 * again, so the API answers 503 rather than 500.
 */
function isTemporalUnavailable(error: unknown): boolean {
  return (
    error instanceof ServiceError ||
    error instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
    isGrpcServiceError(error)
  );
}

interface ErrorAnswer {
  status: ContentfulStatusCode;
  body: { error: string; message?: string; issues?: ApiIssue[] };
  /** How loudly to log it: expected answers are not logged here (the request line says enough). */
  log?: 'warn' | 'error';
}

/** A message as long as the document allows (a user id in it is at most 128 characters, but still). */
const cut = (message: string): string => message.slice(0, MAX_ERROR_MESSAGE);

/** The answer for one error, without side effects. */
function answerFor(error: unknown): ErrorAnswer {
  if (error instanceof RequestValidationError)
    return { status: 400, body: { error: 'invalid_request', issues: error.issues } };
  if (error instanceof InvalidUserIdError)
    return {
      status: 400,
      body: { error: 'invalid_request', issues: [{ path: 'params.userId', message: cut(error.message) }] },
    };
  if (error instanceof CaseNotFoundError)
    return { status: 404, body: { error: 'not_found', message: cut(error.message) } };
  if (error instanceof CaseClosedError)
    return { status: 409, body: { error: 'case_closed', message: cut(error.message) } };
  if (error instanceof HTTPException) return httpExceptionAnswer(error);
  if (isTemporalUnavailable(error)) {
    const message = 'Temporal did not answer; try again later (an accepted request may still take effect)';
    return { status: 503, body: { error: 'unavailable', message }, log: 'warn' };
  }
  if (error instanceof VendorLimitsUnavailableError) {
    // The engine's own database holds SumSub's budget: without it no call goes out (never an uncounted one).
    const message = "the engine's database is unavailable; try again later";
    return { status: 503, body: { error: 'unavailable', message }, log: 'warn' };
  }
  return FAILURE_ANSWERS[failurePolicyOf(error).answer];
}

/** What the failure policy tells an API caller, for a vendor call made inside the request (SumSub's WebSDK token). */
const FAILURE_ANSWERS: Readonly<Record<FailurePolicy['answer'], ErrorAnswer>> = {
  unavailable: {
    status: 503,
    body: { error: 'unavailable', message: 'SumSub is unavailable; try again later' },
    log: 'warn',
  },
  bad_gateway: {
    status: 502,
    body: { error: 'bad_gateway', message: 'SumSub refused the call' },
    log: 'error',
  },
  internal: { status: 500, body: { error: 'internal', message: 'internal error' }, log: 'error' },
};

function httpExceptionAnswer(error: HTTPException): ErrorAnswer {
  const { status } = error;
  const message = cut(error.message);
  if (status === 400) {
    // hono's validators throw this for a body that is not JSON at all.
    return { status, body: { error: 'invalid_request', issues: [{ path: 'body', message }] } };
  }
  const known = KNOWN_HTTP_ERRORS[status];
  if (known) return { status, body: known };
  return { status, body: { error: 'http_error', message } };
}

/** hono's own refusals, which come without a message (413) or with a bare reason phrase (415). */
const KNOWN_HTTP_ERRORS: Partial<Record<number, { error: string; message: string }>> = {
  413: { error: 'payload_too_large', message: 'the request body is larger than this endpoint accepts' },
  415: {
    error: 'unsupported_media_type',
    message: 'the request body must be JSON (content-type: application/json)',
  },
};

/**
 * The one error handler of the API (and the codec app): maps errors to statuses and logs the unexpected
 * ones by name and message only. Never the request body, never the error's own fields, which for a vendor
 * error could hold request headers.
 */
export function apiErrorHandler(logger: Logger): ErrorHandler {
  return (error: Error, c: Context) => {
    const answer = answerFor(error);
    if (answer.log) {
      // Flat fields: pino's `err` serializer would copy every own property, and `name` is a redacted key.
      const details = {
        route: endpointPattern(c),
        method: c.req.method,
        errorType: error.name,
        errorMessage: error.message,
        ...(answer.status === 500 && { stack: error.stack }),
      };
      logger[answer.log](details, `request failed: ${answer.status}`);
    }
    return c.json(answer.body, answer.status);
  };
}
