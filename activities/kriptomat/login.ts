import type { AxiosInstance } from 'axios';
import type { KycError } from '../../domain';
import { PartnerAuthError } from '../../domain';
import type { HttpCallObserver } from '../../observability/metrics-types';
import { observeCall } from '../../observability/observe-call';
import { classifyHttpError } from '../http/classify-error';
import { parseBody } from '../http/parse-body';
import type { AccessTokenProvider } from './auth';
import { createKriptomatHttp } from './http';
import { resolveKriptomatPaths } from './paths';
import type { KriptomatPaths } from './paths';
import { loginResponseSchema } from './schemas';
import { totpCode } from './totp';

/** What the partner account logs in with; every field is a secret, and none may reach an error or a log. */
export interface KriptomatLoginCredentials {
  clientId: string;
  clientSecret: string;
  email: string;
  password: string;
  /** The base32 TOTP secret of the partner account (what an authenticator app would hold). */
  totpSecret: string;
}

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
}

/** Kriptomat sessions last 60 minutes, the lifetime assumed when the login answer does not say. */
const KRIPTOMAT_SESSION_MS = 60 * 60 * 1000;
const DEFAULT_REFRESH_MARGIN_MS = 60_000;

/**
 * Logs in with the partner's credentials and current TOTP code, caches the session token and replaces it
 * before it expires. Concurrent callers share one login in flight, so a burst of calls (or of 401s) costs
 * one login rather than one each.
 */
export class LoginTokenProvider implements AccessTokenProvider {
  readonly refreshable = true;
  private readonly http: AxiosInstance;
  private readonly loginPath: string;
  private current: { token: string; refreshAt: number } | undefined;
  private inFlight: Promise<string> | undefined;

  constructor(private readonly options: LoginTokenProviderOptions) {
    this.http = createKriptomatHttp(options.baseUrl, options.timeoutMs);
    this.loginPath = resolveKriptomatPaths(options.paths).login;
  }

  token(): Promise<string> {
    if (this.current && Date.now() < this.current.refreshAt) return Promise.resolve(this.current.token);
    this.inFlight ??= this.login().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Forgets the token, unless a newer one already replaced the one refused (then it is kept). */
  invalidate(rejectedToken?: string): void {
    if (rejectedToken === undefined || this.current?.token === rejectedToken) this.current = undefined;
  }

  private async login(): Promise<string> {
    const endpoint = `Kriptomat POST ${this.loginPath}`;
    const { credentials, requestedExpiresIn } = this.options;
    const body = {
      email: credentials.email,
      password: credentials.password,
      security_code: totpCode(credentials.totpSecret),
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      ...(requestedExpiresIn === undefined ? {} : { expires_in: requestedExpiresIn }),
    };
    const startedAt = Date.now();
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
}

/** A refused login (401/403, or 422 for a code or field the server did not accept) is a credentials problem. */
function loginFailure(error: unknown, endpoint: string): KycError {
  const classified = classifyHttpError(error, endpoint);
  const status = classified.context?.status;
  if (status === 401 || status === 403 || status === 422) {
    return new PartnerAuthError('login refused', { endpoint, ...classified.context });
  }
  return classified;
}
