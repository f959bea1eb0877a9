/**
 * Supplies the bearer token for Kriptomat calls. A provider that can log in again says so with `refreshable`,
 * so the client knows whether a 401 is worth one more try with a fresh token.
 */
export interface AccessTokenProvider {
  readonly refreshable: boolean;
  token(): Promise<string>;
  /** Forgets the current token after the API refused it. */
  invalidate(): void;
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
