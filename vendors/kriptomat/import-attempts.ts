import type { KriptomatKycSnapshot, KycError } from '../../domain';
import {
  VendorRejectedError,
  ShareTokenExpiredError,
  ShareTokenRejectedError,
  UserNotFoundError,
} from '../../domain';
import type { ShareResult } from '../../domain';
import { KriptomatSessionRefusedError } from './import-errors';

/** The three steps of sharing, bound to one user and applicant. */
export interface ImportSteps {
  readKycStatus(): Promise<KriptomatKycSnapshot>;
  /** A fresh single-use SumSub share token for Kriptomat. */
  mintShareToken(): Promise<string>;
  importKyc(shareToken: string): Promise<void>;
}

export interface ImportAttemptOptions {
  /** Imports tried, each with its own token, before giving up (default 3). */
  attempts?: number;
  /** Pause before the n-th retry is `backoffMs * n` (default 1 s): short, the activity's timeout is 2 min. */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_ATTEMPTS = 3;
const DEFAULT_BACKOFF_MS = 1_000;

/**
 * Shares the applicant with Kriptomat so that it recovers from a refused import by itself (docs/vendor-apis.md,
 * "Kriptomat import refusals"). Before every import it reads Kriptomat's status: anything but `not_started`
 * means an import already landed (perhaps a refused-looking one), so nothing is sent. Otherwise it mints a
 * fresh share token, which is sent once and never again. A refusal (any 4xx but auth, in whatever shape, or
 * a bare 401 that ended the login session, so the next call logs in with a later TOTP code) earns another
 * round, up to `attempts`; then it fails non-retryably as `ShareTokenRejected`, naming the statuses and
 * SumSub codes, never a token or Kriptomat's free text. Outages, rate limits and auth failures are thrown at
 * once, for Temporal's retry policy. Heartbeats go on during the pauses (activities/heartbeat.ts).
 */
export async function importWithFreshTokens(
  steps: ImportSteps,
  options: ImportAttemptOptions = {},
): Promise<ShareResult> {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const refusals: KycError[] = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(backoffMs * (attempt - 1));
    const before = await steps.readKycStatus();
    if (before.kycStatus !== 'not_started') return { result: 'skipped', kyc: before };
    const token = await steps.mintShareToken();
    try {
      await steps.importKyc(token);
      return { result: 'imported', kyc: await steps.readKycStatus() };
    } catch (error) {
      if (error instanceof UserNotFoundError) return importNotFound(steps, error);
      if (!isImportRefusal(error)) throw error;
      refusals.push(error);
    }
  }
  // The import may have landed with the last refusal: Kriptomat's status is the truth.
  const after = await steps.readKycStatus();
  if (after.kycStatus !== 'not_started') return { result: 'skipped', kyc: after };
  throw gaveUp(refusals);
}

/**
 * A 404 on the import of a user Kriptomat has just shown: unless the import landed after all, the import
 * path is the likely fault, which no fresh token cures.
 */
async function importNotFound(steps: ImportSteps, error: UserNotFoundError): Promise<ShareResult> {
  const after = await steps.readKycStatus();
  if (after.kycStatus !== 'not_started') return { result: 'skipped', kyc: after };
  throw new UserNotFoundError(
    'Kriptomat shows the user but answers 404 to importing it: check KRIPTOMAT_IMPORT_PATH',
    error.context ?? { endpoint: 'Kriptomat POST kyc-import', status: 404 },
  );
}

/** A refusal another fresh token may cure: not an outage, not a rate limit, not a refused partner. */
function isImportRefusal(error: unknown): error is KycError {
  return (
    error instanceof ShareTokenRejectedError ||
    error instanceof ShareTokenExpiredError ||
    error instanceof KriptomatSessionRefusedError ||
    (error instanceof VendorRejectedError && isClientError(error.context?.status))
  );
}

function isClientError(status: number | undefined): boolean {
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** What an operator reads in `needs_attention`: how many tokens, and each refusal's status and codes. */
function gaveUp(refusals: KycError[]): ShareTokenRejectedError {
  const reasons = refusals.map((error) =>
    'reason' in error && typeof error.reason === 'string' ? error.reason : String(error.context?.status),
  );
  return new ShareTokenRejectedError(
    `Kriptomat refused ${refusals.length} share tokens: ${reasons.join(', ')}`,
    refusals.at(-1)?.context ?? { endpoint: 'Kriptomat POST kyc-import' },
  );
}
