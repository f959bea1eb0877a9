import type { PayloadConverter, ProtoFailure, SerializationContext } from '@temporalio/common';
import { ApplicationFailure, DefaultFailureConverter } from '@temporalio/common';
import { optionalTsToMs } from '@temporalio/common/lib/time';

/**
 * Failure messages and stack traces as encoded attributes (`{message, stack_trace}` in a payload), so the
 * payload codec encrypts them like every other payload: the server keeps only `Encoded failure`. A failure
 * message names fields and endpoints, never values, but a stack trace or an SDK message is not ours to vouch
 * for. Decoding needs no setting: every converter reads encoded attributes when it finds them, so history
 * written without this converter still reads. Loaded by path (the SDK's `failureConverterPath`), so the
 * workflow bundle carries the same converter as the worker and the clients.
 */
export class KycFailureConverter extends DefaultFailureConverter {
  /**
   * The SDK (1.24) encodes an application failure's `nextRetryDelay` but decodes it as undefined. Decoded
   * here, a workflow sees a vendor's `Retry-After` and waits it out on a timer, which holds on every worker;
   * the worker's own gate (activities/retry-after-gate.ts) holds back only the calls that worker makes, not
   * a fallback activity another worker runs.
   */
  override failureToErrorInner(
    failure: ProtoFailure,
    payloadConverter: PayloadConverter,
    context?: SerializationContext,
  ): Error {
    const error = super.failureToErrorInner(failure, payloadConverter, context);
    const delay = optionalTsToMs(failure.applicationFailureInfo?.nextRetryDelay);
    if (!(error instanceof ApplicationFailure) || delay === undefined) return error;
    const kept = new ApplicationFailure(
      error.message,
      error.type,
      error.nonRetryable,
      error.details,
      error.cause,
      delay,
      error.category,
    );
    kept.stack = error.stack;
    return kept;
  }
}

export const failureConverter = new KycFailureConverter({ encodeCommonAttributes: true });
