import type { AxiosInstance, Method } from 'axios';
import type { KriptomatKycSnapshot, KycError } from '../../domain';
import { UserNotFoundError } from '../../domain';
import type { HttpCallObserver } from '../../observability/metrics-types';
import { observeCall } from '../../observability/observe-call';
import { classifyHttpError } from '../http/classify-error';
import { parseBody } from '../http/parse-body';
import type { AccessTokenProvider } from './auth';
import { createKriptomatHttp, isHttpStatus } from './http';
import { fillUserId, resolveKriptomatPaths } from './paths';
import type { KriptomatPaths } from './paths';
import { importKycResponseSchema, showUserResponseSchema } from './schemas';
import type { KriptomatUser } from './schemas';
import { shareTokenRefusal } from './share-token-refusal';

export interface KriptomatClientOptions {
  baseUrl: string;
  auth: AccessTokenProvider;
  paths?: Partial<KriptomatPaths>;
  timeoutMs?: number;
  /** Told about every call (a retry after a 401 is a call of its own). */
  observer?: HttpCallObserver;
}

/** Reads a failure more precisely than the generic classification, or returns undefined to leave it to it. */
type FailureReader = (error: unknown, endpoint: string) => KycError | undefined;

/** Kriptomat's partner API over HTTP. Every response is schema-checked; every failure is a `KycError`. */
export class KriptomatClient {
  private readonly http: AxiosInstance;
  private readonly paths: KriptomatPaths;

  constructor(private readonly options: KriptomatClientOptions) {
    this.paths = resolveKriptomatPaths(options.paths);
    this.http = createKriptomatHttp(options.baseUrl, options.timeoutMs);
  }

  /** The user's profile and statuses. Holds personal data: keep it inside activities. */
  async getUser(userId: string): Promise<KriptomatUser> {
    const endpoint = `Kriptomat GET ${this.paths.showUser}`;
    const { data, status } = await this.send('GET', fillUserId(this.paths.showUser, userId), endpoint);
    return parseBody(showUserResponseSchema, data, endpoint, status).data;
  }

  /** Only the statuses of the user, the part that may enter workflow history. */
  async readKycStatus(userId: string): Promise<KriptomatKycSnapshot> {
    const user = await this.getUser(userId);
    return { kycStatus: user.kyc_status, eddStatus: user.edd_status };
  }

  /**
   * Imports the KYC of a SumSub applicant shared with Kriptomat. The share token is single-use: callers mint a
   * fresh one for every attempt. A token Kriptomat refuses is a `ShareTokenRejectedError` naming SumSub's
   * error code, never the token.
   */
  async importKyc(userId: string, shareToken: string): Promise<void> {
    const endpoint = `Kriptomat POST ${this.paths.importKyc}`;
    const url = fillUserId(this.paths.importKyc, userId);
    const { data, status } = await this.send('POST', url, endpoint, { token: shareToken }, shareTokenRefusal);
    parseBody(importKycResponseSchema, data, endpoint, status);
  }

  /** One authenticated call; a 401 earns exactly one retry when the token can be refreshed. */
  private async send(
    method: Method,
    url: string,
    endpoint: string,
    data?: unknown,
    readFailure?: FailureReader,
  ): Promise<{ data: unknown; status: number }> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.options.auth.token();
      try {
        const response = await observeCall(this.options.observer, { vendor: 'kriptomat', endpoint }, () =>
          this.http.request({ method, url, data, headers: { Authorization: `Bearer ${token}` } }),
        );
        return { data: response.data as unknown, status: response.status };
      } catch (error) {
        const specific = readFailure?.(error, endpoint);
        if (specific) throw specific;
        if (isHttpStatus(error, 401) && this.options.auth.refreshable && attempt === 1) {
          this.options.auth.invalidate(token);
          continue;
        }
        throw notFoundAsUser(classifyHttpError(error, endpoint));
      }
    }
  }
}

/** Every Kriptomat path names a user, so a 404 means Kriptomat does not know that user. */
function notFoundAsUser(error: KycError): KycError {
  return error.context?.status === 404
    ? new UserNotFoundError('no such Kriptomat user', error.context)
    : error;
}
