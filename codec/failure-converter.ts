import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces as encoded attributes (`{message, stack_trace}` in a payload), so the
 * payload codec encrypts them like every other payload: the server keeps only `Encoded failure`. A failure
 * message names fields and endpoints, never values, but a stack trace or an SDK message is not ours to vouch
 * for. Decoding needs no setting: every converter reads encoded attributes when it finds them, so history
 * written before this was switched on still reads. Loaded by path (the SDK's `failureConverterPath`), so the
 * workflow bundle carries the same converter as the worker and the clients.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
