import { randomBytes } from 'node:crypto';

/** Kriptomat documents 60-minute sessions. */
const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/** The bearer tokens the simulator accepts: the configured static one, and those it issued until they expire. */
export class SessionStore {
  private readonly issued = new Map<string, number>();

  constructor(
    private readonly staticToken: string | undefined,
    readonly ttlSeconds: number = DEFAULT_TOKEN_TTL_SECONDS,
  ) {}

  /** A fresh session token, as the login endpoint returns it. */
  issue(): { access_token: string; token_type: 'bearer'; expires_in: number } {
    const token = randomBytes(24).toString('hex');
    this.issued.set(token, Date.now() + this.ttlSeconds * 1000);
    return { access_token: token, token_type: 'bearer', expires_in: this.ttlSeconds };
  }

  /** Whether an `Authorization` header carries a token that is valid now. */
  accepts(authorization: string | undefined): boolean {
    const token = bearerOf(authorization);
    if (token === undefined) return false;
    if (this.staticToken !== undefined && token === this.staticToken) return true;
    const expiresAt = this.issued.get(token);
    if (expiresAt === undefined) return false;
    if (Date.now() < expiresAt) return true;
    this.issued.delete(token);
    return false;
  }

  /** Every token issued at login and not forgotten, for tests that check none of them leaked. */
  issuedTokens(): string[] {
    return [...this.issued.keys()];
  }

  /** Ends the login session an `Authorization` header carries; the static token cannot be ended. */
  revoke(authorization: string | undefined): void {
    const token = bearerOf(authorization);
    if (token !== undefined) this.issued.delete(token);
  }

  /** Forgets every issued token (as a server restart or a revoked session would); the static one stays. */
  revokeAll(): void {
    this.issued.clear();
  }
}

function bearerOf(authorization: string | undefined): string | undefined {
  return /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
}
