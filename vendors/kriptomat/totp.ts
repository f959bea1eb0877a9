import { Secret, TOTP } from 'otpauth';
import { ConfigurationError } from '../../domain';

/** 80 bits: the shortest secret authenticator apps issue (16 base32 characters). */
const MIN_SECRET_BYTES = 10;

/** Google Authenticator's time step, which Kriptomat's partner accounts use. */
export const DEFAULT_TOTP_PERIOD_SECONDS = 30;

/**
 * The partner account's RFC 6238 generator with Google Authenticator's settings (SHA-1, 6 digits, 30 s; the
 * step is configurable for test accounts only). A secret that is not usable base32 is a configuration error
 * whose message never shows the secret.
 */
export function kriptomatTotp(secret: string, periodSeconds = DEFAULT_TOTP_PERIOD_SECONDS): TOTP {
  let key: Secret;
  try {
    key = Secret.fromBase32(normalizeTotpSecret(secret));
  } catch {
    // The library's message quotes the offending character, which is part of the secret.
    key = new Secret({ size: 0 });
  }
  if (key.bytes.length < MIN_SECRET_BYTES) {
    throw new ConfigurationError(
      'the Kriptomat TOTP secret is not a usable base32 secret (at least 16 characters A-Z, 2-7)',
    );
  }
  return new TOTP({ secret: key, algorithm: 'SHA1', digits: 6, period: periodSeconds });
}

/** The 6-digit code of `secret` at `atMs` (now by default). */
export function totpCode(
  secret: string,
  atMs = Date.now(),
  periodSeconds = DEFAULT_TOTP_PERIOD_SECONDS,
): string {
  return kriptomatTotp(secret, periodSeconds).generate({ timestamp: atMs });
}

/** Secrets are shown to people in groups and lower case (`abcd efgh ...`); the decoder wants neither. */
function normalizeTotpSecret(secret: string): string {
  return secret.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
}
