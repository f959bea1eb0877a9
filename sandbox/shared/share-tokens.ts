/**
 * How the two simulators agree on SumSub share tokens. The SumSub simulator mints them and keeps the ledger;
 * the Kriptomat simulator redeems one when a partner imports it. Redeeming enforces what the real services do:
 * a token is single-use, expires, and is good only for the client id it was minted for and the applicant of
 * the user being imported.
 */
export interface ShareTokenLedger {
  /** Tries to use `token` once, on behalf of `forClientId`, to import the Kriptomat user `userId`. */
  redeem(token: string, request: { forClientId: string; userId: string }): ShareTokenRedemption;
}

export type ShareTokenRedemption =
  | { ok: true; applicantId: string; externalUserId: string }
  | {
      ok: false;
      /** The HTTP status the importer answers with: 400 for a token that can never work, 401 used/expired. */
      status: 400 | 401;
      /** SumSub's documented recipient error codes (10501–10518), absent for 401s. */
      errorCode?: number;
      errorName: string;
    };

/** The documented recipient-side errors for a share token. */
export const SHARE_TOKEN_ERRORS = {
  notInPartnersList: { status: 400, errorCode: 10501, errorName: 'not-in-partners-list' },
  invalidPartnerId: { status: 400, errorCode: 10502, errorName: 'invalid-partner-id' },
  invalidShareToken: { status: 400, errorCode: 10503, errorName: 'invalid-share-token' },
  nonSuitableShareToken: { status: 400, errorCode: 10504, errorName: 'non-suitable-share-token' },
  copyApplicantDisabled: { status: 400, errorCode: 10518, errorName: 'copy-applicant-disabled' },
  expiredOrUsed: { status: 401, errorName: 'share-token-expired-or-used' },
} as const satisfies Record<string, Omit<Extract<ShareTokenRedemption, { ok: false }>, 'ok'>>;
