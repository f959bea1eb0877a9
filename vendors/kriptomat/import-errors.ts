import type { CallContext } from '../../domain';
import { VendorAuthError, ShareTokenExpiredError, ShareTokenRejectedError } from '../../domain';

/**
 * Kriptomat answered an import with a bare 401 while the engine holds a login session: the session was
 * ended, so the next call logs in again (with a TOTP code of a later window), and the share activity tries
 * once more with a freshly minted share token (docs/vendor-apis.md, "Kriptomat import refusals"). Left to
 * itself it is an auth failure, not retried: the activity bounds the attempts.
 */
export class KriptomatSessionRefusedError extends VendorAuthError {
  readonly reason: string;

  constructor(context: CallContext) {
    super('Kriptomat refused the session on import', context);
    this.reason = `${context.status ?? 401} session`;
  }
}

/**
 * Kriptomat refused the share token of an import (any shape: SumSub's recipient codes, or Kriptomat's own
 * `{status: false, message}`). `codes` are SumSub's machine-readable code and name when Kriptomat passed them
 * through (`10503 invalid-share-token`); `reason` adds the status (`400 10503 invalid-share-token`, `422`).
 * Never the token, never Kriptomat's free text.
 */
export class ShareTokenRefusedError extends ShareTokenRejectedError {
  readonly reason: string;

  constructor(codes: string, context: CallContext) {
    super(codes ? `share token refused: ${codes}` : 'share token refused', context);
    this.reason = refusalReason(codes, context);
  }
}

/** As `ShareTokenRefusedError`, for a token refused as expired or already used (a 401 with SumSub's code). */
export class ShareTokenUsedError extends ShareTokenExpiredError {
  readonly reason: string;

  constructor(codes: string, context: CallContext) {
    super(codes ? `share token refused: ${codes}` : 'share token refused', context);
    this.reason = refusalReason(codes, context);
  }
}

function refusalReason(codes: string, context: CallContext): string {
  return [context.status, codes].filter((part) => part !== undefined && part !== '').join(' ');
}
