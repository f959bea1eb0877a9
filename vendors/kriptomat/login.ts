import type { AxiosInstance } from 'axios';
import type { KycError } from '../../domain';
import { ConfigurationError, VendorAuthError, VendorRejectedError } from '../../domain';
import type { HttpCallObserver } from '../../observability/metrics-types';
import { observeCall } from '../../observability/observe-call';
import { classifyHttpError } from '../http/classify-error';
import { parseBody } from '../http/parse-body';
import { hashedKey, InProcessVendorLimits } from '../limits';
import type { VendorLimits } from '../limits';
import { createKriptomatHttp } from './http';
import { resolveKriptomatPaths } from './paths';
import type { KriptomatPaths } from './paths';
import { loginResponseSchema } from './schemas';
import { DEFAULT_TOTP_PERIOD_SECONDS, totpCode } from './totp';

/** What the partner account logs in with; every field is a secret, and none may reach an error or a log. */
export interface KriptomatLoginCredentials {
  clientId: string;
  clientSecret: string;
  email: string;
  password: string;
  /** The base32 TOTP secret of the partner account (what an authenticator app would hold). */
  totpSecret: string;
  /**
   * How `client_id` travels in the login body. Kriptomat's example sends an integer (`5`), so `auto` (the
   * default) sends a numeric id as a JSON number and any other id as a string; `string` and `integer` force
   * one (`integer` with a non-numeric id is a configuration error).
   */
  clientIdAs?: ClientIdFormat;
  /** The TOTP time step in seconds: 30 (Google Authenticator's) unless a test account says otherwise. */
  totpPeriodSeconds?: number;
}

export type ClientIdFormat = 'auto' | 'string' | 'integer';

export interface LoginTokenProviderOptions {
  baseUrl: string;
  credentials: KriptomatLoginCredentials;
  paths?: Partial<Pick<KriptomatPaths, 'login'>>;
  timeoutMs?: number;
  /** Sent as `expires_in` when set; Kriptomat's default session applies otherwise. */
  requestedExpiresIn?: number;
  /** How long before its expiry a token is replaced (default 60 s, at most half its lifetime). */
  refreshMarginMs?: number;
  /** Told about every login call. */
  observer?: HttpCallObserver;
  /** The clock TOTP codes are made from (milliseconds); tests move it. */
  now?: () => number;
  /** How the provider waits for the next TOTP window; tests skip the wait. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Where the TOTP windows used are recorded: the worker's `processVendorLimits(KYC_DATABASE_URL)`, shared
   * with every process that logs in with the account. By default this provider's own memory (one process only).
   */
  limits?: VendorLimits;
}

/** Kriptomat sessions last 60 minutes, the lifetime assumed when the login answer does not say. */
const KRIPTOMAT_SESSION_MS = 60 * 60 * 1000;
const DEFAULT_REFRESH_MARGIN_MS = 60_000;
/** RFC 6238 time step of the partner account's codes (Google Authenticator's), unless configured. */
export const TOTP_PERIOD_MS = DEFAULT_TOTP_PERIOD_SECONDS * 1000;
/** A code made this close to the end of its window could reach Kriptomat in the next one. */
const WINDOW_EDGE_MS = 1_000;

/**
 * Logs in with the partner's credentials and current TOTP code, caches the session token and replaces it
 * before it expires. Concurrent callers share one login in flight, so a burst of calls (or of 401s) costs
 * one login rather than one each. Every login uses a code of a 30 s window claimed from `limits`, later than
 * every window claimed before for the account: Kriptomat refuses a code used before, so a login right after
 * another (a 401 soon after logging in, or another worker's login, when the store is shared) waits for the
 * next free window, and a refused code is tried once more in the next window before the login counts as
 * refused. Activities heartbeat on a timer meanwhile (activities/heartbeat.ts). It is an `AccessTokenProvider`
 * by shape: `createKriptomatAuth` (auth.ts) returns it as one, and auth.ts imports this file, not the reverse.
 */
export class LoginTokenProvider {
  readonly refreshable = true;
  private readonly http: AxiosInstance;
  private readonly loginPath: string;
  private current: { token: string; refreshAt: number } | undefined;
  private inFlight: Promise<string> | undefined;
  /** Records every TOTP window (time step number) this account's codes were made for, used or refused. */
  private readonly limits: VendorLimits;
  /** The account's key in `limits`: a digest, never the client id or the e-mail address. */
  private readonly accountKey: string;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly clientId: string | number;
  private readonly periodMs: number;

  constructor(private readonly options: LoginTokenProviderOptions) {
    this.http = createKriptomatHttp(options.baseUrl, options.timeoutMs);
    this.loginPath = resolveKriptomatPaths(options.paths).login;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.clientId = clientIdForLogin(options.credentials);
    this.periodMs = (options.credentials.totpPeriodSeconds ?? DEFAULT_TOTP_PERIOD_SECONDS) * 1000;
    this.limits = options.limits ?? new InProcessVendorLimits(this.now);
    // The period is part of the key: window numbers of two step lengths are not comparable.
    const { clientId, email } = options.credentials;
    this.accountKey = hashedKey(`kriptomat-totp-${this.periodMs / 1000}s`, clientId, email);
  }

  token(): Promise<string> {
    if (this.current && this.now() < this.current.refreshAt) return Promise.resolve(this.current.token);
    this.inFlight ??= this.login().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Forgets the token, unless a newer one already replaced the one refused (then it is kept). */
  invalidate(rejectedToken?: string): void {
    if (rejectedToken === undefined || this.current?.token === rejectedToken) this.current = undefined;
  }

  /**
   * Another process holding the same account (a second worker, or this worker before a restart) may have
   * used the current window's code: a refused login is tried once more with the next window's code, so only
   * credentials refused twice in a row count as wrong.
   */
  private async login(): Promise<string> {
    try {
      return await this.loginOnce();
    } catch (error) {
      if (!(error instanceof VendorAuthError)) throw error;
      return this.loginOnce();
    }
  }

  private async loginOnce(): Promise<string> {
    const endpoint = `Kriptomat POST ${this.loginPath}`;
    const { credentials, requestedExpiresIn } = this.options;
    const codeAt = await this.freshWindow();
    const body = {
      email: credentials.email,
      password: credentials.password,
      security_code: totpCode(credentials.totpSecret, codeAt, this.periodMs / 1000),
      client_id: this.clientId,
      client_secret: credentials.clientSecret,
      ...(requestedExpiresIn === undefined ? {} : { expires_in: requestedExpiresIn }),
    };
    const startedAt = this.now();
    let response: { data: unknown; status: number };
    try {
      response = await observeCall(this.options.observer, { vendor: 'kriptomat', endpoint }, () =>
        this.http.post(this.loginPath, body),
      );
    } catch (error) {
      throw loginFailure(error, endpoint);
    }
    const answer = parseBody(loginResponseSchema, response.data, endpoint, response.status);
    const lifetimeMs = answer.expires_in ? answer.expires_in * 1000 : KRIPTOMAT_SESSION_MS;
    const margin = Math.min(this.options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS, lifetimeMs / 2);
    // Counted from before the request: the server's clock started no later than that.
    this.current = { token: answer.access_token, refreshAt: startedAt + lifetimeMs - margin };
    return answer.access_token;
  }

  /**
   * A time inside a TOTP window claimed for this login alone: the current window, unless it is about to end
   * (its code could be refused in transit) or was claimed before, by this process or, with a shared store,
   * by another; then the next free one, waited for. Returns the time to make the code at. A claim that took
   * so long that its window is over (a slow store) is given up for a later one: a code is only ever made for
   * a window this login claimed.
   */
  private async freshWindow(): Promise<number> {
    const edgeMs = Math.min(WINDOW_EDGE_MS, this.periodMs / 4);
    for (;;) {
      const now = this.now();
      const window = Math.floor(now / this.periodMs);
      const edge = (window + 1) * this.periodMs - now <= edgeMs;
      const claimed = await this.limits.claimTotpWindow(this.accountKey, edge ? window + 1 : window);
      const start = claimed * this.periodMs;
      const after = this.now();
      if (after < start) await this.sleep(start - after);
      const at = Math.max(this.now(), start);
      if (at < start + this.periodMs - edgeMs) return at;
    }
  }
}

/** `client_id` as the login body carries it: see `KriptomatLoginCredentials.clientIdAs`. */
export function clientIdForLogin({
  clientId,
  clientIdAs = 'auto',
}: KriptomatLoginCredentials): string | number {
  // Only ids that survive the round trip: `007` as a number would become another id.
  const numeric = /^(0|[1-9]\d{0,14})$/.test(clientId);
  if (clientIdAs === 'integer' && !numeric) {
    throw new ConfigurationError(
      'KRIPTOMAT_CLIENT_ID_TYPE is integer, but the client id is not a whole number',
    );
  }
  return clientIdAs !== 'string' && numeric ? Number(clientId) : clientId;
}

/** A refused login (401/403, or 422 for a code or field the server did not accept) is a credentials problem. */
function loginFailure(error: unknown, endpoint: string): KycError {
  const classified = classifyHttpError(error, endpoint);
  const status = classified.context?.status;
  if (status === 401 || status === 403 || status === 422) {
    return new VendorAuthError('login refused', { endpoint, ...classified.context });
  }
  if (status === 404) {
    return new VendorRejectedError(
      'no login endpoint here: check KRIPTOMAT_LOGIN_PATH and KRIPTOMAT_BASE_URL',
      {
        endpoint,
        ...classified.context,
      },
    );
  }
  return classified;
}
