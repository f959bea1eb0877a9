import { isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';
import { NamespaceNotFoundError } from '@temporalio/common';
import { PayloadDecryptionError } from '../codec';
import { failurePolicyOf } from '../domain';
import { CaseNotFoundError, InvalidUserIdError } from '../client/case-errors';

/** The exit codes scripts can rely on (listed in `kyc --help`). */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  notFound: 3,
  configuration: 4,
  unreachable: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  the operation failed (a case refused, a user failed to start, SumSub failed, ...)
  2  usage error: bad arguments or options
  3  case not found: the user has no KYC case
  4  configuration error: a missing or malformed variable, named in the message
  5  Temporal unreachable: nothing answered at TEMPORAL_ADDRESS (or --address)`;

/** Bad arguments or options the parser could not catch (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The Temporal frontend did not answer (exit 5). */
export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
  constructor(address: string, cause: unknown) {
    super(`cannot reach Temporal at ${address}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** gRPC's UNAVAILABLE: the server is down or the network is; spelled out to avoid depending on grpc-js. */
const GRPC_UNAVAILABLE = 14;

/** The exit code of an error that ended a command. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError || error instanceof InvalidUserIdError) return EXIT.usage;
  if (error instanceof CaseNotFoundError) return EXIT.notFound;
  if (isConfigurationError(error)) return EXIT.configuration;
  if (isUnreachable(error)) return EXIT.unreachable;
  return EXIT.failed;
}

/** The message an operator reads for an error: why, without a stack. */
export function describeError(error: unknown): string {
  if (error instanceof NamespaceNotFoundError) {
    return `${error.message} (set TEMPORAL_NAMESPACE or --namespace)`;
  }
  const undecodable = causes(error).find((cause) => cause instanceof PayloadDecryptionError);
  if (undecodable instanceof PayloadDecryptionError) {
    return `${undecodable.message}: KYC_CODEC_KEY or KYC_CODEC_PREVIOUS_KEYS must hold the key the worker used`;
  }
  if (isUnreachable(error) && !(error instanceof TemporalUnreachableError)) {
    return `Temporal unreachable: ${messageOf(error)}`;
  }
  return messageOf(error);
}

function isConfigurationError(error: unknown): boolean {
  return (
    failurePolicyOf(error).exit === 'configuration' ||
    error instanceof NamespaceNotFoundError ||
    causes(error).some((cause) => cause instanceof PayloadDecryptionError)
  );
}

function isUnreachable(error: unknown): boolean {
  return causes(error).some(
    (cause) =>
      cause instanceof TemporalUnreachableError ||
      (isGrpcServiceError(cause) && Number(cause.code) === GRPC_UNAVAILABLE) ||
      isGrpcDeadlineError(cause),
  );
}

/** The error and its `cause` chain: Temporal wraps gRPC and codec errors. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 10;) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
