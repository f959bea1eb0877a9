import type { KriptomatLoginCredentials } from '../../vendors/kriptomat/login';

/** A partner account for the simulator's login flow. Every value is distinctive, so a leak is easy to spot. */
export const PARTNER: KriptomatLoginCredentials = {
  clientId: 'client-id-7f3a9c',
  clientSecret: 'client-secret-e81b44d2',
  email: 'partner-ops-5521@sandbox.invalid',
  password: 'pa55word-Quokka-913',
  // 20 bytes, the length authenticator setups recommend.
  totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
};

/**
 * The worker's environment for logging in as `account` (the five login variables and the TOTP step), for
 * tests that run a real worker against the simulator's login rather than its static token.
 */
export function loginWorkerEnv(account: KriptomatLoginCredentials): Record<string, string> {
  return {
    KRIPTOMAT_CLIENT_ID: account.clientId,
    KRIPTOMAT_CLIENT_SECRET: account.clientSecret,
    KRIPTOMAT_EMAIL: account.email,
    KRIPTOMAT_PASSWORD: account.password,
    KRIPTOMAT_TOTP_SECRET: account.totpSecret,
    ...(account.totpPeriodSeconds && { KRIPTOMAT_TOTP_PERIOD: `${account.totpPeriodSeconds}s` }),
  };
}

/** A static token for the simpler setup. */
export const STATIC_TOKEN = 'partner-static-token-9d8c7b';

/** Resolves after `ms`. */
export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
