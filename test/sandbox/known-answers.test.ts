import { createHmac } from 'node:crypto';
import { hotp, totpAt, totpKeyFromBase32 } from '../../sandbox/kriptomat/totp';
import { startSumsubSimulator } from '../../sandbox/sumsub/server';
import { isSignedCorrectly } from '../../sandbox/sumsub/signature-check';
import { webhookDigest } from '../../sandbox/sumsub/webhook-signature';

/**
 * The simulators' cryptography against published known answers, never against the engine's code: if both
 * sides pass these, they agree because each follows the standard, not because one copies the other.
 */
describe("the Kriptomat simulator's TOTP (RFC 6238 Appendix B, SHA-1)", () => {
  // The RFC's SHA-1 seed: the ASCII bytes of "12345678901234567890".
  const RFC_KEY = Buffer.from('12345678901234567890', 'ascii');
  // The same 20 bytes in base32, as an authenticator app would be given them.
  const RFC_KEY_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  const VECTORS: [seconds: number, eightDigits: string][] = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];

  it.each(VECTORS)('at T=%i gives %s (8 digits)', (seconds, code) => {
    expect(totpAt(RFC_KEY, seconds * 1000, 8)).toBe(code);
  });

  it.each(VECTORS)('at T=%i gives the last six digits of %s (6 digits)', (seconds, code) => {
    expect(totpAt(RFC_KEY, seconds * 1000)).toBe(code.slice(2));
  });

  it('decodes the base32 form of the key to the same codes, however it is written', () => {
    const grouped = RFC_KEY_BASE32.toLowerCase().replace(/(.{4})/g, '$1 ');
    expect(totpKeyFromBase32(RFC_KEY_BASE32)).toEqual(RFC_KEY);
    expect(totpKeyFromBase32(grouped)).toEqual(RFC_KEY);
    expect(totpAt(totpKeyFromBase32(RFC_KEY_BASE32), 59_000)).toBe('287082');
  });

  it('computes HOTP as RFC 4226 Appendix D does for counters 0 and 9', () => {
    expect(hotp(RFC_KEY, 0)).toBe('755224');
    expect(hotp(RFC_KEY, 9)).toBe('520489');
  });

  it('refuses secrets that are not base32 or shorter than 80 bits, without repeating them', () => {
    expect(() => totpKeyFromBase32('short')).toThrow(/TOTP secret/);
    expect(() => totpKeyFromBase32('NOT-BASE32-!!!!!!!!!')).toThrow(/^(?!.*!!!).*TOTP secret/);
  });
});

describe("the SumSub simulator's request-signature check (docs/vendor-apis.md's documented signed string)", () => {
  const TS = '1607551635';
  const PATH =
    '/resources/accessTokens?userId=cfd20712-24a2-4c7d-9ab0-146f3c142335&levelName=basic-kyc-level&ttlInSecs=600';
  const SECRET = 'SoMe_SeCrEt_KeY';
  /**
   * HMAC-SHA256 of `1607551635POST` + PATH under SECRET. SumSub's example repository publishes the signed
   * string but no secret and signature; this value is the one a public SumSub client's test suite pins for
   * the same string and secret, and the test recomputes it with nothing but node:crypto.
   */
  const EXPECTED_SIG = '15cc96be3e65ed8805f374db7f4c49c5723ae2a20eea3159cf0ab7c3badc3ad0';
  const options = {
    appToken: 'sbx:known-answer',
    secretKey: SECRET,
    toleranceMs: 60_000,
    now: () => 1607551635_000,
  };
  const request = (overrides: Partial<Parameters<typeof isSignedCorrectly>[1]> = {}) => ({
    method: 'POST',
    pathWithQuery: PATH,
    appToken: 'sbx:known-answer',
    ts: TS,
    signature: EXPECTED_SIG,
    body: Buffer.alloc(0),
    ...overrides,
  });

  it('pins a signature that node:crypto computes for the documented string', () => {
    expect(createHmac('sha256', SECRET).update(`${TS}POST${PATH}`).digest('hex')).toBe(EXPECTED_SIG);
  });

  it('accepts the documented request signed with it', () => {
    expect(isSignedCorrectly(options, request())).toBe(true);
  });

  it.each([
    ['a lower-case method in the signed string', { method: 'post' }],
    ['a millisecond timestamp', { ts: '1607551635000' }],
    ['a body appended that was not signed', { body: Buffer.from('{}') }],
    [
      'a query string encoded differently',
      { pathWithQuery: PATH.replace('basic-kyc-level', 'basic%2Dkyc%2Dlevel') },
    ],
    ['a timestamp over a minute off', { ts: '1607551574' }],
    ['an upper-case hex signature', { signature: EXPECTED_SIG.toUpperCase() }],
  ])('refuses %s', (_name, overrides) => {
    expect(isSignedCorrectly(options, request(overrides))).toBe(false);
  });

  it('answers the documented request over HTTP, given the pinned headers', async () => {
    const sim = await startSumsubSimulator({
      appToken: 'sbx:known-answer',
      secretKey: SECRET,
      now: options.now,
    });
    try {
      const headers = { 'X-App-Token': 'sbx:known-answer', 'X-App-Access-Ts': TS };
      const answer = await fetch(`${sim.url}${PATH}`, {
        method: 'POST',
        headers: { ...headers, 'X-App-Access-Sig': EXPECTED_SIG },
      });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ userId: 'cfd20712-24a2-4c7d-9ab0-146f3c142335' });
      const forged = await fetch(`${sim.url}${PATH}`, {
        method: 'POST',
        headers: { ...headers, 'X-App-Access-Sig': `${EXPECTED_SIG.slice(0, -1)}1` },
      });
      expect(forged.status).toBe(401);
    } finally {
      await sim.close();
    }
  });
});

describe("the SumSub simulator's webhook digest (RFC 2202 / RFC 4231 test case 2)", () => {
  const BODY = 'what do ya want for nothing?';
  it.each([
    ['HMAC_SHA1_HEX', 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
    ['HMAC_SHA256_HEX', '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    [
      'HMAC_SHA512_HEX',
      '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
    ],
  ] as const)('%s of the RFC body under key "Jefe"', (alg, expected) => {
    expect(webhookDigest(BODY, alg, 'Jefe')).toBe(expected);
    expect(webhookDigest(Buffer.from(BODY), alg, 'Jefe')).toBe(expected);
  });
});
