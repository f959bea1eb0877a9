import { ApplicationFailure } from '@temporalio/workflow';
import { ERROR_TYPES, isUntrustedPayload } from '../domain';

/**
 * Refuses a workflow's input that the payload codec marked untrusted, before the workflow does anything else.
 * Only the engine's own client and workers (with the codec) start a case or a watch, so a plaintext start (which
 * anyone with Temporal access can send) or one failing authentication is not one of ours: the run fails at once,
 * as a configuration error, without a command.
 *
 * @param workflow what the input starts, as its failure names it: `case` or `watch`
 */
export function refuseUntrustedInput(input: unknown, workflow: 'case' | 'watch'): void {
  if (isUntrustedPayload(input))
    throw ApplicationFailure.nonRetryable(
      `the ${workflow} input was not encrypted by the engine`,
      ERROR_TYPES.Configuration,
    );
}
