import axios from 'axios';
import type { AxiosInstance } from 'axios';
import { classifyHttpError } from '../http/classify-error';
import { signRequest } from './signing';

export interface SumsubTransportOptions {
  /** The API origin (`https://api.sumsub.com`, or a simulator); paths are signed from `/resources` on. */
  baseUrl: string;
  appToken: string;
  secretKey: string;
  timeoutMs?: number;
  /** The clock the request timestamps come from (milliseconds); tests skew it. */
  now?: () => number;
}

/**
 * Sends signed requests. The JSON body is serialised once, signed, and sent as those very bytes: axios is told
 * not to transform it, since any re-serialisation (even trimming) breaks SumSub's signature check.
 */
export class SumsubTransport {
  private readonly http: AxiosInstance;
  private readonly now: () => number;
  /** A true private field: inspecting or logging the client never shows the token or secret. */
  readonly #credentials: { appToken: string; secretKey: string };

  constructor(options: SumsubTransportOptions) {
    this.#credentials = { appToken: options.appToken, secretKey: options.secretKey };
    this.now = options.now ?? Date.now;
    this.http = axios.create({
      baseURL: options.baseUrl,
      timeout: options.timeoutMs ?? 15_000,
      headers: { Accept: 'application/json' },
      transformRequest: [(data: unknown) => data],
    });
  }

  /**
   * One signed call. `pathWithQuery` must already be encoded (see `withQuery`); `endpoint` names the call in
   * errors without ids. Every failure becomes a `KycError`, which never holds the token or signature.
   */
  async send(
    method: 'GET' | 'POST',
    pathWithQuery: string,
    endpoint: string,
    body?: unknown,
  ): Promise<unknown> {
    const bytes = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const signed = signRequest(this.#credentials, { method, pathWithQuery, body: bytes }, this.now());
    try {
      const response = await this.http.request({
        method,
        url: pathWithQuery,
        data: bytes,
        headers: { ...signed, ...(bytes && { 'Content-Type': 'application/json' }) },
      });
      return response.data as unknown;
    } catch (error) {
      throw classifyHttpError(error, endpoint);
    }
  }
}
