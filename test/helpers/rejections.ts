import { ApplicationFailure } from '@temporalio/common';
import { KycError } from '../../domain';

/** What `promise` rejects with, which must be an instance of `kind`; success or anything else fails the test. */
async function rejectionOf<T>(
  promise: Promise<unknown>,
  kind: abstract new (...args: never[]) => T,
): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof kind)) throw new Error(`expected a ${kind.name}, got ${String(error)}`);
  return error;
}

/** The `KycError` a client call fails with. */
export const failureOf = (promise: Promise<unknown>): Promise<KycError> => rejectionOf(promise, KycError);

/** The failure an activity rejects with, which must be what Temporal expects: an `ApplicationFailure`. */
export const applicationFailureOf = (promise: Promise<unknown>): Promise<ApplicationFailure> =>
  rejectionOf(promise, ApplicationFailure);
