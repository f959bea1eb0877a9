import { StaticTokenProvider } from '../../vendors/kriptomat/auth';
import type { AccessTokenProvider } from '../../vendors/kriptomat/auth';
import { KriptomatClient } from '../../vendors/kriptomat/client';
import { LoginTokenProvider, TOTP_PERIOD_MS } from '../../vendors/kriptomat/login';
import { totpCode } from '../../vendors/kriptomat/totp';
import { toApplicationFailure } from '../../activities/failures';
import { vendorActivities } from '../../activities/kyc-activities';
import type { SumsubPort } from '../../activities/kyc-activities';
import type { KycStatus } from '../../domain';
import { PARTNER } from '../helpers/kriptomat-partner';
import type { RecordedReply } from '../helpers/recording-server';
import { allowLoopbackHttp, startRecordingServer } from '../helpers/recording-server';
import { failureOf } from '../helpers/rejections';

/**
 * Sharing with Kriptomat when the import is refused (docs/vendor-apis.md, "Kriptomat import refusals"): the
 * share activity over the real Kriptomat client, against a Kriptomat scripted here from its documentation,
 * and a SumSub port that mints numbered tokens. Every test asserts that no share token is sent twice.
 */ allowLoopbackHttp();

const STATIC_TOKEN = 'partner-static-token-recovery-1';
const SETTINGS = { levelName: 'basic-kyc-level', kriptomatClientId: 'kriptomat', shareTokenTtlSecs: 1200 };
const NO_WAIT = { sleep: () => Promise.resolve() };
const USER = '1001';

/** A SumSub that mints a fresh, distinctive token per call. */
function mintingSumsub() {
  const minted: string[] = [];
  const port: SumsubPort = {
    ensureApplicant: () => Promise.reject(new Error('not used')),
    getReview: () => Promise.reject(new Error('not used')),
    createShareToken: (_applicantId, forClientId) => {
      const token = `_act-share-${minted.length + 1}-DO-NOT-LEAK`;
      minted.push(token);
      return Promise.resolve({ token, forClientId });
    },
  };
  return { port, minted };
}

/**
 * Kriptomat as scripted: `imports` answers each import in turn (then `{status: true}`), after which the
 * user is pending. Logins answer a token per login; reads answer the user's current status.
 */
async function scriptedKriptomat(imports: RecordedReply[], options: { landsOnRefusal?: boolean } = {}) {
  let kycStatus: KycStatus = 'not_started';
  let importIndex = 0;
  let logins = 0;
  const server = await startRecordingServer((request) => {
    if (request.path === '/api/v1/partners/auth/login') {
      logins++;
      return { status: 200, body: { access_token: `session-${logins}`, expires_in: 3600 } };
    }
    if (request.method === 'GET')
      return { status: 200, body: { status: true, data: { kyc_status: kycStatus } } };
    const answer = imports[importIndex++] ?? { status: 200, body: { status: true } };
    if (answer.status === 200 || options.landsOnRefusal) kycStatus = 'pending';
    return answer;
  });
  const importsSent = () =>
    server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/kyc-import'));
  const tokensSent = () => importsSent().map((r) => (r.json as { token: string }).token);
  return { ...server, importsSent, tokensSent };
}

function share(kriptomatUrl: string, auth: AccessTokenProvider, sumsub: SumsubPort) {
  const kriptomat = new KriptomatClient({ baseUrl: kriptomatUrl, auth });
  const activities = vendorActivities(kriptomat, sumsub, SETTINGS, NO_WAIT);
  return activities.shareApplicantWithKriptomat({ userId: USER, applicantId: 'applicant-1' });
}

const PLAIN_REFUSAL: RecordedReply = {
  status: 422,
  body: { status: false, message: 'The share token of John Doe is invalid.' },
};

describe('a refused import', () => {
  it('mints a fresh token after a plain-shape 422 and imports it (old code: parked as PartnerRejected)', async () => {
    const kriptomat = await scriptedKriptomat([PLAIN_REFUSAL]);
    const sumsub = mintingSumsub();
    try {
      const result = await share(kriptomat.url, new StaticTokenProvider(STATIC_TOKEN), sumsub.port);
      expect(result).toEqual({
        result: 'imported',
        kyc: { kycStatus: 'pending', eddStatus: 'not_reported' },
      });
      expect(kriptomat.tokensSent()).toEqual(sumsub.minted);
      expect(new Set(kriptomat.tokensSent()).size).toBe(2);
    } finally {
      await kriptomat.close();
    }
  });

  it.each([
    ['a Laravel-style 400', { status: 400, body: { message: 'Invalid token.' } }],
    ['a 409', { status: 409, body: { message: 'Conflict.' } }],
    [
      'SumSub codes passed through',
      { status: 400, body: { errorCode: 10503, errorName: 'invalid-share-token' } },
    ],
    [
      'a used token (401 with SumSub name)',
      { status: 401, body: { errorName: 'share-token-expired-or-used' } },
    ],
    ['a bare 4xx', { status: 410 }],
  ])('recovers from %s with a fresh token', async (_name, refusal) => {
    const kriptomat = await scriptedKriptomat([refusal]);
    const sumsub = mintingSumsub();
    try {
      const result = await share(kriptomat.url, new StaticTokenProvider(STATIC_TOKEN), sumsub.port);
      expect(result.result).toBe('imported');
      expect(new Set(kriptomat.tokensSent()).size).toBe(kriptomat.tokensSent().length);
      expect(kriptomat.tokensSent()).toHaveLength(2);
    } finally {
      await kriptomat.close();
    }
  });

  it('re-reads first: an import that landed despite its refusal is not repeated', async () => {
    const kriptomat = await scriptedKriptomat([PLAIN_REFUSAL], { landsOnRefusal: true });
    const sumsub = mintingSumsub();
    try {
      const result = await share(kriptomat.url, new StaticTokenProvider(STATIC_TOKEN), sumsub.port);
      expect(result).toEqual({ result: 'skipped', kyc: { kycStatus: 'pending', eddStatus: 'not_reported' } });
      expect(kriptomat.importsSent()).toHaveLength(1);
      expect(sumsub.minted).toHaveLength(1);
    } finally {
      await kriptomat.close();
    }
  });

  it('gives up after 3 tokens, non-retryably, saying what an operator needs and nothing else', async () => {
    const refusals: RecordedReply[] = [
      PLAIN_REFUSAL,
      { status: 400, body: { errorCode: 10503, errorName: 'invalid-share-token', description: 'John Doe' } },
      PLAIN_REFUSAL,
    ];
    const kriptomat = await scriptedKriptomat([...refusals, PLAIN_REFUSAL]);
    const sumsub = mintingSumsub();
    try {
      const error = await failureOf(share(kriptomat.url, new StaticTokenProvider(STATIC_TOKEN), sumsub.port));
      expect(error).toMatchObject({ type: 'ShareTokenRejected', retryable: false, context: { status: 422 } });
      expect(error.message).toBe(
        'Kriptomat refused 3 share tokens: 422, 400 10503 invalid-share-token, 422 ' +
          '(Kriptomat POST /v1/users/{userId}/kyc-import, HTTP 422)',
      );
      expect(toApplicationFailure(error)).toMatchObject({ type: 'ShareTokenRejected', nonRetryable: true });
      for (const token of sumsub.minted) expect(error.message).not.toContain(token);
      expect(error.message).not.toContain('John');
      expect(kriptomat.tokensSent()).toEqual(sumsub.minted);
      expect(new Set(kriptomat.tokensSent()).size).toBe(3);
    } finally {
      await kriptomat.close();
    }
  });

  it('leaves outages and rate limits to Temporal: one import, no second token', async () => {
    for (const answer of [{ status: 429 }, { status: 503 }]) {
      const kriptomat = await scriptedKriptomat([answer]);
      const sumsub = mintingSumsub();
      try {
        const error = await failureOf(
          share(kriptomat.url, new StaticTokenProvider(STATIC_TOKEN), sumsub.port),
        );
        expect(error.retryable).toBe(true);
        expect(kriptomat.importsSent()).toHaveLength(1);
      } finally {
        await kriptomat.close();
      }
    }
  });

  it('names the import path when Kriptomat shows the user but answers 404 to importing it', async () => {
    const kriptomat = await scriptedKriptomat([{ status: 404, body: { message: 'Not Found' } }]);
    try {
      const error = await failureOf(
        share(kriptomat.url, new StaticTokenProvider(STATIC_TOKEN), mintingSumsub().port),
      );
      expect(error).toMatchObject({ type: 'UserNotFound', retryable: false });
      expect(error.message).toContain('check KRIPTOMAT_IMPORT_PATH');
      expect(kriptomat.importsSent()).toHaveLength(1);
    } finally {
      await kriptomat.close();
    }
  });
});

describe('a 401 on the import', () => {
  it('with a static token parks once: "Kriptomat refused the partner token", no second try', async () => {
    const kriptomat = await scriptedKriptomat([{ status: 401, body: { message: 'Unauthenticated.' } }]);
    const sumsub = mintingSumsub();
    try {
      const error = await failureOf(share(kriptomat.url, new StaticTokenProvider(STATIC_TOKEN), sumsub.port));
      expect(error).toMatchObject({ type: 'PartnerAuthFailed', retryable: false, context: { status: 401 } });
      expect(error.message).toMatch(/^Kriptomat refused the partner token \(/);
      expect(kriptomat.importsSent()).toHaveLength(1);
      expect(sumsub.minted).toHaveLength(1);
    } finally {
      await kriptomat.close();
    }
  });

  it('with login credentials logs in again with a code of a later TOTP window, then imports a fresh token (old code: re-sent the same token)', async () => {
    const kriptomat = await scriptedKriptomat([{ status: 401, body: { message: 'Unauthenticated.' } }]);
    const sumsub = mintingSumsub();
    // The clock stands still mid-window: the second login must wait for the next window, not reuse this one.
    const now = 1_700_000_010_000;
    const waits: number[] = [];
    const auth = new LoginTokenProvider({
      baseUrl: kriptomat.url,
      credentials: PARTNER,
      now: () => now,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    try {
      const result = await share(kriptomat.url, auth, sumsub.port);

      expect(result.result).toBe('imported');
      const logins = kriptomat.requests.filter((r) => r.path === '/api/v1/partners/auth/login');
      const codes = logins.map((r) => (r.json as { security_code: string }).security_code);
      const window = Math.floor(now / TOTP_PERIOD_MS);
      expect(codes).toEqual([
        totpCode(PARTNER.totpSecret, now),
        totpCode(PARTNER.totpSecret, (window + 1) * TOTP_PERIOD_MS),
      ]);
      expect(waits).toEqual([(window + 1) * TOTP_PERIOD_MS - now]);
      const imports = kriptomat.importsSent();
      expect(imports.map((r) => r.headers.authorization)).toEqual(['Bearer session-1', 'Bearer session-2']);
      expect(kriptomat.tokensSent()).toEqual(sumsub.minted);
      expect(new Set(kriptomat.tokensSent()).size).toBe(2);
    } finally {
      await kriptomat.close();
    }
  });
});
