import { randomBytes } from 'node:crypto';
import { SHARE_TOKEN_ERRORS } from '../shared/share-tokens';
import type { ShareTokenLedger, ShareTokenRedemption } from '../shared/share-tokens';
import type { ApplicantStore } from './applicant-store';

interface MintedToken {
  applicantId: string;
  forClientId: string;
  expiresAt: number;
  used: boolean;
}

/** The lifetime SumSub reportedly gives a share token when none is asked for. */
export const DEFAULT_SHARE_TOKEN_TTL_SECS = 1200;

/**
 * Share tokens the SumSub simulator minted, redeemed by the Kriptomat simulator on import. A token is random,
 * single-use, expires, and is good only for its partner and the applicant of the user being imported.
 */
export class SumsubShareLedger implements ShareTokenLedger {
  private readonly tokens = new Map<string, MintedToken>();

  constructor(
    private readonly applicants: ApplicantStore,
    private readonly now: () => number,
  ) {}

  /** A new token for `forClientId` to import this applicant. */
  mint(applicantId: string, forClientId: string, ttlInSecs = DEFAULT_SHARE_TOKEN_TTL_SECS): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, {
      applicantId,
      forClientId,
      expiresAt: this.now() + ttlInSecs * 1000,
      used: false,
    });
    return token;
  }

  /** Every token minted so far: tests check that none of them leaked into a history or a log. */
  issuedTokens(): string[] {
    return [...this.tokens.keys()];
  }

  /** Checks in the documented order: known token, right partner, right user, then unused and unexpired. */
  redeem(token: string, request: { forClientId: string; userId: string }): ShareTokenRedemption {
    const minted = this.tokens.get(token);
    if (!minted) return { ok: false, ...SHARE_TOKEN_ERRORS.invalidShareToken };
    if (minted.forClientId !== request.forClientId)
      return { ok: false, ...SHARE_TOKEN_ERRORS.invalidPartnerId };
    const applicant = this.applicants.get(minted.applicantId);
    if (!applicant || applicant.externalUserId !== request.userId) {
      return { ok: false, ...SHARE_TOKEN_ERRORS.nonSuitableShareToken };
    }
    if (minted.used || this.now() >= minted.expiresAt)
      return { ok: false, ...SHARE_TOKEN_ERRORS.expiredOrUsed };
    minted.used = true;
    return { ok: true, applicantId: applicant.id, externalUserId: applicant.externalUserId };
  }
}
