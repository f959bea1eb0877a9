import { ConfigurationError } from '../../domain';
import type { HttpCallObserver } from '../../observability/metrics-types';
import type { VendorLimits } from '../limits';
import { LoginTokenProvider } from './login';
import type { KriptomatLoginCredentials } from './login';
import type { KriptomatPaths } from './paths';

/**
 * Supplies the bearer token for Kriptomat calls. A provider that can log in again says so with `refreshable`,
 * so the client knows whether a 401 is worth one more try with a fresh token.
 */
export interface AccessTokenProvider {
  readonly refreshable: boolean;
  token(): Promise<string>;
  /**
   * Forgets the current token after the API refused it. Given the refused token, a provider keeps a newer
   * one that another caller already fetched, so concurrent 401s cause one new login, not one each.
   */
  invalidate(rejectedToken?: string): void;
}

/** A long-lived token from configuration: the simplest setup, nothing to refresh. */
export class StaticTokenProvider implements AccessTokenProvider {
  readonly refreshable = false;

  constructor(private readonly accessToken: string) {}

  token(): Promise<string> {
    return Promise.resolve(this.accessToken);
  }

  invalidate(): void {}
}

/** How the worker authenticates to Kriptomat: a static token, or the login flow's credentials. */
export interface KriptomatAuthConfig {
  baseUrl: string;
  /** A static access token; when set, it wins over the login credentials. */
  accessToken?: string;
  credentials?: KriptomatLoginCredentials;
  paths?: Partial<KriptomatPaths>;
  timeoutMs?: number;
  /** Told about every login call. */
  observer?: HttpCallObserver;
  /** Where the login's TOTP windows are recorded (`LoginTokenProviderOptions.limits`). */
  limits?: VendorLimits;
}

/**
 * The token provider the configuration asks for: the static token when one is given (the simplest setup),
 * else a `LoginTokenProvider` that logs in with TOTP. Neither configured is a configuration error.
 */
export function createKriptomatAuth(config: KriptomatAuthConfig): AccessTokenProvider {
  if (config.accessToken) return new StaticTokenProvider(config.accessToken);
  if (!config.credentials) {
    throw new ConfigurationError(
      'Kriptomat needs either a static access token or the login credentials (client id and secret, email, ' +
        'password, TOTP secret)',
    );
  }
  const { baseUrl, credentials, paths, timeoutMs, observer, limits } = config;
  return new LoginTokenProvider({ baseUrl, credentials, paths, timeoutMs, observer, limits });
}
