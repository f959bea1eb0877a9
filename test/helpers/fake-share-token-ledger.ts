import { randomBytes } from 'node:crypto';
import type { ShareTokenLedger, ShareTokenRedemption } from '../../sandbox/shared/share-tokens';
import { SHARE_TOKEN_ERRORS } from '../../sandbox/shared/share-tokens';

type Refusal = (typeof SHARE_TOKEN_ERRORS)[keyof typeof SHARE_TOKEN_ERRORS];

/**
 * A stand-in for the SumSub simulator's ledger: tokens are minted per user and client id, single-use, and a
 * test can make the next redemption of a token fail with any documented recipient error.
 */
export class FakeShareTokenLedger implements ShareTokenLedger {
  readonly redemptions: { token: string; forClientId: string; userId: string }[] = [];
  private readonly tokens = new Map<string, { userId: string; forClientId: string; used: boolean }>();
  private readonly refusals = new Map<string, Refusal>();

  /** A fresh token for the applicant of `userId`, shared with `forClientId`. */
  mint(userId: string, forClientId = 'kriptomat'): string {
    const token = `_act-${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, { userId, forClientId, used: false });
    return token;
  }

  /** Makes `token` fail with a documented refusal when redeemed. */
  refuse(token: string, refusal: Refusal): void {
    this.refusals.set(token, refusal);
  }

  redeem(token: string, request: { forClientId: string; userId: string }): ShareTokenRedemption {
    this.redemptions.push({ token, ...request });
    const refusal = this.refusals.get(token);
    if (refusal) return { ok: false, ...refusal };
    const minted = this.tokens.get(token);
    if (!minted) return { ok: false, ...SHARE_TOKEN_ERRORS.invalidShareToken };
    if (minted.used) return { ok: false, ...SHARE_TOKEN_ERRORS.expiredOrUsed };
    if (minted.forClientId !== request.forClientId)
      return { ok: false, ...SHARE_TOKEN_ERRORS.invalidPartnerId };
    if (minted.userId !== request.userId) return { ok: false, ...SHARE_TOKEN_ERRORS.nonSuitableShareToken };
    minted.used = true;
    return { ok: true, applicantId: `applicant-${request.userId}`, externalUserId: request.userId };
  }
}
