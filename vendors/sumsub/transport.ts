import type { AxiosInstance } from 'axios';
import type { HttpCallObserver } from '../../observability/metrics-types';
import { observeCall } from '../../observability/observe-call';
import { classifyHttpError } from '../http/classify-error';
import type { OutboundPolicy } from '../http/outbound-policy';
import { createVendorHttp } from '../http/vendor-http';
import type { SumsubRateLimiter } from './rate-limit';
import { signRequest } from './signing';

export interface SumsubTransportOptions {
  /** The API origin (`https://api.sumsub.com`, or a simulator); paths are signed from `/resources` on. */
  baseUrl: string;
  appToken: string;
  secretKey: string;
  /** The total time one call may take, start to finish (default 15 s). */
  timeoutMs?: number;
  /** Overrides of the process's outbound policy (vendors/http/outbound-policy.ts). */
  network?: Partial<OutboundPolicy>;
  /** The clock the request timestamps come from (milliseconds); tests skew it. */
  now?: () => number;
  /** Holds every call until SumSub's rate limit allows it (the worker shares one per process). */
  limiter?: SumsubRateLimiter;
  /** Told about every call: endpoint, status (0 without an answer) and duration. */
  observer?: HttpCallObserver;
}

/** A 2xx answer: its body as the HTTP client read it (JSON, or text when it did not parse) and its status. */
export interface SumsubAnswer {
  data: unknown;
  status: number;
}

/**
 * Sends signed requests. The JSON body is serialised once, signed, and sent as those very bytes: axios is told
 * not to transform it, since any re-serialisation (even trimming) breaks SumSub's signature check. A call
 * without a body goes out without a content type: axios would otherwise label a body-less POST as a form
 * (`application/x-www-form-urlencoded`), which it is not. The HTTP client is the hardened one of every vendor
 * (vendors/http/vendor-http.ts): a redirect never takes the token and signature to another host.
 */
export class SumsubTransport {
  private readonly http: AxiosInstance;
  private readonly now: () => number;
  private readonly limiter: SumsubRateLimiter | undefined;
  private readonly observer: HttpCallObserver | undefined;
  /** A true private field: inspecting or logging the client never shows the token or secret. */
  readonly #credentials: { appToken: string; secretKey: string };

  constructor(options: SumsubTransportOptions) {
    this.#credentials = { appToken: options.appToken, secretKey: options.secretKey };
    this.now = options.now ?? Date.now;
    this.limiter = options.limiter;
    this.observer = options.observer;
    this.http = createVendorHttp({
      baseURL: options.baseUrl,
      timeoutMs: options.timeoutMs ?? 15_000,
      headers: { Accept: 'application/json' },
      transformRequest: [(data: unknown) => data],
      network: options.network,
    });
  }

  /**
   * One signed call. `pathWithQuery` must already be encoded (see `withQuery`); `endpoint` names the call in
   * errors and metrics without ids. Every failure becomes a `KycError`, which never holds the token or
   * signature. A call waits for the rate limiter first and is signed when it leaves, so a long wait cannot
   * age its timestamp past SumSub's one-minute tolerance.
   */
  async send(
    method: 'GET' | 'POST',
    pathWithQuery: string,
    endpoint: string,
    body?: unknown,
    /** Statuses besides 2xx answered rather than thrown, for a caller that reads them (a 409 on create). */
    alsoAccept: readonly number[] = [],
  ): Promise<SumsubAnswer> {
    const bytes = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const call = () => {
      const signed = signRequest(this.#credentials, { method, pathWithQuery, body: bytes }, this.now());
      return observeCall(this.observer, { vendor: 'sumsub', endpoint }, () =>
        this.http.request({
          method,
          url: pathWithQuery,
          data: bytes,
          // `false` keeps axios from adding a content type of its own to a body-less call.
          headers: { ...signed, 'Content-Type': bytes ? 'application/json' : false },
          validateStatus: (status) => (status >= 200 && status < 300) || alsoAccept.includes(status),
        }),
      );
    };
    // Only the call's own failures are HTTP failures: a limiter whose shared store is down fails with its
    // own error (VendorLimitsUnavailable), not as a SumSub outage.
    const classified = async () => {
      try {
        return await call();
      } catch (error) {
        throw classifyHttpError(error, endpoint);
      }
    };
    const response = await (this.limiter ? this.limiter.schedule(method, classified) : classified());
    return { data: response.data as unknown, status: response.status };
  }
}
