import axios from 'axios';
import type { AxiosInstance, Method } from 'axios';
import type { KriptomatKycSnapshot } from '../../domain';
import { KycError, UserNotFoundError } from '../../domain';
import { classifyHttpError } from '../http/classify-error';
import { parseBody } from '../http/parse-body';
import type { AccessTokenProvider } from './auth';
import { showUserResponseSchema } from './schemas';
import type { KriptomatUser } from './schemas';

/** Endpoint paths, with `{userId}` placeholders. The documentation disagrees on prefixes, so each is configurable. */
export interface KriptomatPaths {
  showUser: string;
  importKyc: string;
}

export const DEFAULT_KRIPTOMAT_PATHS: KriptomatPaths = {
  showUser: '/api/v1/partners/users/{userId}',
  importKyc: '/v1/users/{userId}/kyc-import',
};

export interface KriptomatClientOptions {
  baseUrl: string;
  auth: AccessTokenProvider;
  paths?: Partial<KriptomatPaths>;
  timeoutMs?: number;
}

/** Kriptomat's partner API over HTTP. Every response is schema-checked; every failure is a `KycError`. */
export class KriptomatClient {
  private readonly http: AxiosInstance;
  private readonly paths: KriptomatPaths;

  constructor(private readonly options: KriptomatClientOptions) {
    this.paths = { ...DEFAULT_KRIPTOMAT_PATHS, ...options.paths };
    this.http = axios.create({
      baseURL: options.baseUrl,
      timeout: options.timeoutMs ?? 15_000,
      headers: { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' },
    });
  }

  /** The user's profile and statuses. Holds personal data: keep it inside activities. */
  async getUser(userId: string): Promise<KriptomatUser> {
    const endpoint = `Kriptomat GET ${this.paths.showUser}`;
    try {
      const body = await this.send('GET', this.pathFor('showUser', userId), endpoint);
      return parseBody(showUserResponseSchema, body, endpoint).data;
    } catch (error) {
      if (error instanceof KycError && error.context?.status === 404) {
        throw new UserNotFoundError('no such Kriptomat user', error.context);
      }
      throw error;
    }
  }

  /** Only the statuses of the user, the part that may enter workflow history. */
  async readKycStatus(userId: string): Promise<KriptomatKycSnapshot> {
    const user = await this.getUser(userId);
    return { kycStatus: user.kyc_status, eddStatus: user.edd_status };
  }

  private pathFor(name: keyof KriptomatPaths, userId: string): string {
    return this.paths[name].replace('{userId}', encodeURIComponent(userId));
  }

  /** One authenticated call; a 401 earns exactly one retry when the token can be refreshed. */
  private async send(method: Method, url: string, endpoint: string, data?: unknown): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.options.auth.token();
      try {
        const response = await this.http.request({
          method,
          url,
          data,
          headers: { Authorization: `Bearer ${token}` },
        });
        return response.data as unknown;
      } catch (error) {
        if (isHttpStatus(error, 401) && this.options.auth.refreshable && attempt === 1) {
          this.options.auth.invalidate();
          continue;
        }
        throw classifyHttpError(error, endpoint);
      }
    }
  }
}

function isHttpStatus(error: unknown, status: number): boolean {
  return axios.isAxiosError(error) && error.response?.status === status;
}
