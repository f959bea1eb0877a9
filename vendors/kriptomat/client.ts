import type { AxiosInstance, Method } from 'axios';
import type { KriptomatKycSnapshot, KycError } from '../../domain';
import { VendorAuthError, UserNotFoundError } from '../../domain';
import type { HttpCallObserver } from '../../observability/metrics-types';
import { observeCall } from '../../observability/observe-call';
import { classifyHttpError } from '../http/classify-error';
import { parseBody } from '../http/parse-body';
import type { AccessTokenProvider } from './auth';
import { createKriptomatHttp, isHttpStatus } from './http';
import { KriptomatSessionRefusedError } from './import-errors';
import { fillUserId, KRIPTOMAT_PATH_VARIABLES, resolveKriptomatPaths } from './paths';
import type { KriptomatPaths } from './paths';
import { importKycResponseSchema, showUserResponseSchema } from './schemas';
import type { KriptomatUser } from './schemas';
import { shareTokenRefusal } from './share-token-refusal';
import { UserReadTracker } from './user-read-tracker';

export interface KriptomatClientOptions {
  baseUrl: string;
  auth: AccessTokenProvider;
  paths?: Partial<KriptomatPaths>;
  timeoutMs?: number;
  /** Told about every call (a retry after a 401 is a call of its own). */
  observer?: HttpCallObserver;
}

/**
 * Reads a failure more precisely than the generic classification, or returns undefined to leave it to it.
 * Given the bearer token the call was made with, so it can end that session.
 */
type FailureReader = (error: unknown, bearer: string) => KycError | undefined;

interface SendOptions {
  data?: unknown;
  readFailure?: FailureReader;
  /** Whether a 401 may be answered by logging in again and repeating the call (never for a share token). */
  repeatOn401: boolean;
}

/** Kriptomat's partner API over HTTP. Every response is schema-checked; every failure is a `KycError`. */
export class KriptomatClient {
  private readonly http: AxiosInstance;
  private readonly paths: KriptomatPaths;
  private readonly userReads = new UserReadTracker();

  constructor(private readonly options: KriptomatClientOptions) {
    this.paths = resolveKriptomatPaths(options.paths);
    this.http = createKriptomatHttp(options.baseUrl, options.timeoutMs);
  }

  /**
   * The user's profile and statuses. Holds personal data: keep it inside activities. A 404 is
   * `UserNotFound`; when no read of this client has succeeded yet, or several in a row answered 404, the
   * message says the path is the likelier cause (docs/vendor-apis.md, "Kriptomat paths").
   */
  async getUser(userId: string): Promise<KriptomatUser> {
    const endpoint = `Kriptomat GET ${this.paths.showUser}`;
    const url = fillUserId(this.paths.showUser, userId);
    let answer: { data: unknown; status: number };
    try {
      answer = await this.send('GET', url, endpoint, { repeatOn401: true });
    } catch (error) {
      if (error instanceof UserNotFoundError) throw this.userReads.notFound(error);
      throw error;
    }
    this.userReads.succeeded();
    return parseBody(showUserResponseSchema, answer.data, endpoint, answer.status).data;
  }

  /** Only the statuses of the user, the part that may enter workflow history. */
  async readKycStatus(userId: string): Promise<KriptomatKycSnapshot> {
    const user = await this.getUser(userId);
    return { kycStatus: user.kyc_status, eddStatus: user.edd_status };
  }

  /**
   * Imports the KYC of a SumSub applicant shared with Kriptomat, sending `shareToken` exactly once: it is
   * single-use, so nothing here repeats the call. A refused token is a `ShareTokenRejectedError` (or
   * `ShareTokenExpiredError`) naming status and SumSub's code, never the token. A bare 401 with login
   * credentials ends the session (the next call logs in again) and is a `KriptomatSessionRefusedError`; with
   * a static token it is `PartnerAuthFailed` "Kriptomat refused the partner token". The caller mints a fresh
   * token before trying again (activities/kyc-activities.ts).
   */
  async importKyc(userId: string, shareToken: string): Promise<void> {
    const endpoint = `Kriptomat POST ${this.paths.importKyc}`;
    const url = fillUserId(this.paths.importKyc, userId);
    const { data, status } = await this.send('POST', url, endpoint, {
      data: { token: shareToken },
      readFailure: (error, bearer) =>
        shareTokenRefusal(error, endpoint) ?? this.importAuthFailure(error, endpoint, bearer),
      repeatOn401: false,
    });
    parseBody(importKycResponseSchema, data, endpoint, status);
  }

  /** A bare 401 on the import: the session's (log in again, fresh token) or the static token's (a person). */
  private importAuthFailure(error: unknown, endpoint: string, bearer: string): KycError | undefined {
    if (!isHttpStatus(error, 401)) return undefined;
    const { context } = classifyHttpError(error, endpoint);
    const callContext = context ?? { endpoint, status: 401 };
    if (!this.options.auth.refreshable) {
      return new VendorAuthError('Kriptomat refused the partner token', callContext);
    }
    this.options.auth.invalidate(bearer);
    return new KriptomatSessionRefusedError(callContext);
  }

  /** One authenticated call; a 401 earns exactly one repeat, with a fresh login, when the options allow it. */
  private async send(
    method: Method,
    url: string,
    endpoint: string,
    { data, readFailure, repeatOn401 }: SendOptions,
  ): Promise<{ data: unknown; status: number }> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.options.auth.token();
      try {
        const response = await observeCall(this.options.observer, { vendor: 'kriptomat', endpoint }, () =>
          this.http.request({
            method,
            url,
            data,
            headers: { Authorization: `Bearer ${token}` },
          }),
        );
        return { data: response.data as unknown, status: response.status };
      } catch (error) {
        const specific = readFailure?.(error, token);
        if (specific) throw specific;
        if (isHttpStatus(error, 401) && this.options.auth.refreshable) {
          this.options.auth.invalidate(token);
          if (repeatOn401 && attempt === 1) continue;
        }
        throw this.notFoundAsUser(classifyHttpError(error, endpoint), endpoint);
      }
    }
  }

  /** Every Kriptomat path names a user, so a 404 means Kriptomat does not know that user (or the path is off). */
  private notFoundAsUser(error: KycError, endpoint: string): KycError {
    if (error.context?.status !== 404) return error;
    const message = endpoint.endsWith(this.paths.importKyc)
      ? `no such Kriptomat user to import (if reads of the user succeed, check ${KRIPTOMAT_PATH_VARIABLES.importKyc})`
      : 'no such Kriptomat user';
    return new UserNotFoundError(message, { ...error.context, endpoint });
  }
}
