import { ConfigurationError } from '../../domain';
import { totpCode } from '../../vendors/kriptomat/totp';

/** RFC 6238's SHA-1 test key, "12345678901234567890", in base32. */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('totpCode', () => {
  // RFC 6238 appendix B (SHA-1), cut to the 6 digits an authenticator shows.
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ])('gives the RFC 6238 code at %i s', (seconds, code) => {
    expect(totpCode(RFC_SECRET, seconds * 1000)).toBe(code);
  });

  it('changes every 30 seconds', () => {
    expect(totpCode(RFC_SECRET, 30_000)).toBe(totpCode(RFC_SECRET, 59_999));
    expect(totpCode(RFC_SECRET, 60_000)).not.toBe(totpCode(RFC_SECRET, 59_999));
  });

  it('reads secrets written in groups and lower case, as authenticator setups show them', () => {
    expect(totpCode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq', 59_000)).toBe('287082');
  });

  it.each([
    ['not base32', 'GEZDGNBVGY3TQOJ!'],
    ['too short', 'GEZDGNBV'],
    ['empty', ''],
  ])('refuses a secret that is %s without showing it', (_name, secret) => {
    const attempt = () => totpCode(secret);
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(/TOTP secret is not a usable base32 secret/);
    if (secret) expect(attempt).not.toThrow(new RegExp(secret.slice(0, 6)));
  });
});
