/**
 * The vendors' limits that every process talking to them with the same account must respect together:
 * SumSub's request rate (per app token) and Kriptomat's one login per TOTP window (per partner account). A
 * worker alone keeps them in memory (`InProcessVendorLimits`); several workers keep them in the engine's
 * PostgreSQL (`PostgresVendorLimits`, chosen by `KYC_DATABASE_URL`), so two replicas never add up to twice
 * SumSub's rate, nor send the same TOTP code.
 */
export interface VendorLimits {
  /**
   * Claims the earliest TOTP window (RFC 6238 time step) that is at least `atLeast` and later than every
   * window claimed before for `account`, by anyone sharing this store. A claimed window is never handed out
   * again, so no two logins (of two processes, or of one process before and after a restart) send the same
   * code. `account` is a digest (`hashedKey`), never the account itself.
   */
  claimTotpWindow(account: string, atLeast: number): Promise<number>;
  /**
   * Records a request start in `bucket` now when fewer than `limit` starts lie within the last `windowMs`,
   * and returns 0; else records nothing and returns how many milliseconds until the oldest of them leaves
   * the window (when to ask again).
   */
  reserveStart(bucket: string, limit: number, windowMs: number): Promise<number>;
  /** Releases connections; a closed store is not used again. */
  close(): Promise<void>;
}

/**
 * The shared store could not be asked (database down, unreachable, refusing the role). Not a vendor
 * failure, and not a reason to send the call unlimited: the activity fails retryably and tries again. The
 * message names the store and the driver's error code, never the URL or the password.
 */
export class VendorLimitsUnavailableError extends Error {
  constructor(reason: string) {
    super(`the vendor limit store (KYC_DATABASE_URL) is unavailable: ${reason}`);
    this.name = 'VendorLimitsUnavailable';
  }
}
