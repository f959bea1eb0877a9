import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Hono } from 'hono';
import { toApplicationFailure, withFailureMapping } from '../../activities/failures';
import { apiErrorHandler } from '../../api/errors';
import { exitCodeFor } from '../../cli/exit-codes';
import type { ErrorType } from '../../domain';
import {
  ERROR_TYPES,
  failurePolicy,
  isRetryableErrorType,
  KycError,
  NON_RETRYABLE_ERROR_TYPES,
  parksCase,
  VendorUnavailableError,
} from '../../domain';
import { createLogger } from '../../observability/logger';

/** What every consumer does with one failure. */
interface Row {
  kind: 'retryable' | 'parks';
  /** The API's status when the failure happened inside a request. */
  status: number;
  /** The CLI's exit code when the failure ended a command. */
  exit: number;
}

const RETRIED: Row = { kind: 'retryable', status: 503, exit: 1 };
const PARKED: Row = { kind: 'parks', status: 502, exit: 1 };

/** One row per failure type: the HTTP answers and exit codes are the ones the API and CLI have always given. */
const TABLE: Record<ErrorType, Row> = {
  PartnerUnavailable: RETRIED,
  RateLimited: RETRIED,
  ContractViolation: PARKED,
  PartnerAuthFailed: PARKED,
  UserNotFound: PARKED,
  PartnerRejected: PARKED,
  ShareTokenRejected: PARKED,
  ShareTokenExpired: RETRIED,
  ConfigurationError: { kind: 'parks', status: 502, exit: 4 },
};

/** The status the API answers for an error thrown by a route. */
async function apiStatus(error: Error): Promise<number> {
  const app = new Hono().onError(apiErrorHandler(createLogger({ service: 'test', level: 'silent' })));
  app.get('/', () => {
    throw error;
  });
  return (await app.request('/')).status;
}

describe('the failure policy', () => {
  it('has a row for every failure type', () => {
    expect(Object.keys(TABLE).sort()).toEqual(Object.values(ERROR_TYPES).sort());
  });

  it.each(Object.entries(TABLE) as [ErrorType, Row][])('%s', async (type, row) => {
    const error = new KycError(type, 'on purpose');
    const parks = row.kind === 'parks';
    expect(failurePolicy(type).kind).toBe(row.kind);
    expect(error.retryable).toBe(!parks);
    expect(isRetryableErrorType(type)).toBe(!parks);
    // The retry policies of the case's activities.
    expect(NON_RETRYABLE_ERROR_TYPES.includes(type)).toBe(parks);
    // The activity's failure, and whether the case parks it.
    const failure = toApplicationFailure(error);
    expect(failure).toMatchObject({ type, nonRetryable: parks });
    expect(parksCase(failure as ApplicationFailure)).toBe(parks);
    expect(parksCase({ type })).toBe(parks);
    // A delivery that must never be dropped is retried whatever the type.
    expect(toApplicationFailure(error, { alwaysRetry: true })).toMatchObject({ nonRetryable: false });
    expect(await apiStatus(error)).toBe(row.status);
    expect(exitCodeFor(error)).toBe(row.exit);
  });

  it('retries a type it does not know: an unexpected crash is never a verdict', () => {
    expect(failurePolicy('TypeError')).toEqual(failurePolicy(undefined));
    expect(isRetryableErrorType('TypeError')).toBe(true);
    expect(parksCase({ type: 'TypeError' })).toBe(false);
    expect(parksCase({})).toBe(false);
    expect(isRetryableErrorType('toString')).toBe(true);
  });

  it('parks whatever the type when the activity said retrying cannot help', () => {
    const failure = ApplicationFailure.nonRetryable('no applicant yet', ERROR_TYPES.PartnerUnavailable);
    expect(parksCase(failure)).toBe(true);
    expect(parksCase({ type: null, nonRetryable: true })).toBe(true);
  });

  it('retries a plain error, which the API answers 500 and the CLI exits 1', async () => {
    const bug = new TypeError('boom');
    expect(failurePolicy(undefined).kind).toBe('retryable');
    // Left to Temporal's default handling: retried, with the error's name as its type.
    expect(toApplicationFailure(bug)).toBe(bug);
    expect(parksCase({ type: bug.name })).toBe(false);
    expect(await apiStatus(bug)).toBe(500);
    expect(exitCodeFor(bug)).toBe(1);
  });

  it('ends a cancelled activity with the cancellation, whatever the aborted call failed with', async () => {
    const env = new MockActivityEnvironment();
    const activity = withFailureMapping(async () => {
      env.cancel('CANCELLED');
      await Promise.resolve();
      throw new VendorUnavailableError('aborted');
    });
    await expect(env.run(activity)).rejects.toBeInstanceOf(CancelledFailure);
  });
});
