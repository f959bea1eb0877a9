/** No case exists for this user (never started, or removed by retention). The API answers 404. */
export class CaseNotFoundError extends Error {
  override name = 'CaseNotFoundError';
  constructor(readonly userId: string) {
    super(`no KYC case for user ${userId}`);
  }
}

/** The case has ended, so it refuses what was asked (a recheck, say). The API answers 409. */
export class CaseClosedError extends Error {
  override name = 'CaseClosedError';
  constructor(
    readonly userId: string,
    detail: string,
  ) {
    super(`the KYC case of user ${userId} refused: ${detail}`);
  }
}

/** The user id cannot name a case (see `USER_ID_PATTERN`). The API answers 400. */
export class InvalidUserIdError extends Error {
  override name = 'InvalidUserIdError';
  constructor(readonly userId: string) {
    super(
      'userId must be 1-128 characters of letters, digits, "_", "." or "-", starting with a letter or digit',
    );
  }
}
