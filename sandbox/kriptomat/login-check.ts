import { createHash, timingSafeEqual } from 'node:crypto';
import type { PartnerAccount } from './partner-account';
import { hotp, timeStepAt, TOTP_STEP_SECONDS, totpKeyFromBase32 } from './totp';

/** How the simulator reads `client_id`: the login page's example sends an integer (`5`), the seed a string. */
export type ClientIdForm = 'either' | 'integer' | 'string';

/** Why a login is refused: Kriptomat names the kind of field, never what was sent. */
const LOGIN_REFUSALS = {
  client: 'Invalid client credentials.',
  account: 'Invalid email or password.',
  code: 'Invalid security code.',
  replayedCode: 'The security code was already used.',
} as const;

export interface LoginAttempt {
  email: string;
  password: string;
  securityCode: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Checks logins against the partner account. A code of the current or the previous step (30 s) is accepted
 * (one typed just before a step ends still works), but never a step at or before the last one a successful
 * login used: RFC 6238 §5.2 forbids accepting an OTP twice, so a second login needs a later window's code.
 */
export class LoginCheck {
  private readonly key: Buffer | undefined;
  private lastUsedStep = -1;

  /** Throws at once for an unusable TOTP secret, so a misconfigured simulator fails at start. */
  constructor(private readonly account: PartnerAccount | undefined) {
    this.key = account && totpKeyFromBase32(account.totpSecret);
  }

  /** The refusal message, or null when the login is good (its code's step is then used up). */
  refusal(attempt: LoginAttempt, nowMs: number): string | null {
    const { account, key } = this;
    if (!account || !key || !same(attempt.clientId, account.clientId)) return LOGIN_REFUSALS.client;
    if (!same(attempt.clientSecret, account.clientSecret)) return LOGIN_REFUSALS.client;
    if (!same(attempt.email, account.email) || !same(attempt.password, account.password)) {
      return LOGIN_REFUSALS.account;
    }
    const stepSeconds = account.totpPeriodSeconds ?? TOTP_STEP_SECONDS;
    const current = timeStepAt(nowMs, stepSeconds);
    const step = [current, current - 1].find((candidate) => same(attempt.securityCode, hotp(key, candidate)));
    if (step === undefined) return LOGIN_REFUSALS.code;
    if (step <= this.lastUsedStep) return LOGIN_REFUSALS.replayedCode;
    this.lastUsedStep = step;
    return null;
  }
}

/** Constant-time comparison, as a real server would do for secrets. */
function same(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
