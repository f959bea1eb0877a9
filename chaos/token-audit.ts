import { createHash } from 'node:crypto';
import type { RunningSandbox } from '../sandbox/start-sandbox';

/** What the run learns of one share token: never the token itself, only a hash kept in memory. */
interface TokenRecord {
  /** The user whose applicant it was minted for. */
  mintedFor: string | null;
  /** Every import it was presented for: which user, and whether Kriptomat took it. */
  presented: { userId: string; ok: boolean }[];
}

export interface TokenFigures {
  minted: number;
  /** Imports that presented a token (accepted or not). */
  presented: number;
  redeemed: number;
  /** Tokens redeemed more than once: must be 0 (the ledger refuses it; this proves nobody tried and won). */
  redeemedTwice: number;
  /** Tokens presented more than once at all: the engine mints a fresh token for every attempt, so 0. */
  presentedTwice: number;
  /** Tokens presented for a user other than the one they were minted for: must be 0. */
  usedByAnotherUser: number;
}

/**
 * Taps the SumSub simulator's share-token ledger, which the Kriptomat simulator redeems through, to see every
 * mint and every redemption attempt. The simulators' own request log counts only successful redemptions; this
 * sees the attempts too, and which user each token belonged to.
 */
export function auditShareTokens(sandbox: RunningSandbox): { figures(): TokenFigures } {
  const { ledger, applicants } = sandbox.sumsub;
  const tokens = new Map<string, TokenRecord>();
  const key = (token: string) => createHash('sha256').update(token).digest('base64url');

  const mint = ledger.mint.bind(ledger);
  ledger.mint = (applicantId, forClientId, ttlInSecs) => {
    const token = mint(applicantId, forClientId, ttlInSecs);
    tokens.set(key(token), { mintedFor: applicants.get(applicantId)?.externalUserId ?? null, presented: [] });
    return token;
  };
  const redeem = ledger.redeem.bind(ledger);
  ledger.redeem = (token, request) => {
    const result = redeem(token, request);
    const record = tokens.get(key(token)) ?? { mintedFor: null, presented: [] };
    record.presented.push({ userId: request.userId, ok: result.ok });
    tokens.set(key(token), record);
    return result;
  };

  return {
    figures: () => {
      const records = [...tokens.values()];
      const redeemedCount = (r: TokenRecord) => r.presented.filter((p) => p.ok).length;
      return {
        minted: records.filter((r) => r.mintedFor !== null).length,
        presented: records.reduce((sum, r) => sum + r.presented.length, 0),
        redeemed: records.reduce((sum, r) => sum + redeemedCount(r), 0),
        redeemedTwice: records.filter((r) => redeemedCount(r) > 1).length,
        presentedTwice: records.filter((r) => r.presented.length > 1).length,
        usedByAnotherUser: records.filter((r) => r.presented.some((p) => p.userId !== r.mintedFor)).length,
      };
    },
  };
}
