import axios, { AxiosError, isCancel } from 'axios';
import type {
  AxiosInstance,
  AxiosRequestTransformer,
  InternalAxiosRequestConfig,
  RawAxiosRequestHeaders,
} from 'axios';
import { currentActivityContext } from './activity-context';
import { guardedAgents } from './destination-guard';
import { MAX_VENDOR_BODY_BYTES } from './limits';
import type { OutboundPolicy } from './outbound-policy';
import { outboundPolicy } from './outbound-policy';

export interface VendorHttpOptions {
  /** The vendor's origin; a client with one cannot be sent elsewhere by an absolute URL. */
  baseURL?: string;
  /**
   * The total deadline of one call, from the request leaving to the last byte of the answer: a peer that
   * trickles its answer is cut here, however steadily bytes arrive.
   */
  timeoutMs: number;
  /** The largest answer read, in bytes as they stream in (after decompression); default 1 MiB. */
  maxBodyBytes?: number;
  headers?: RawAxiosRequestHeaders;
  transformRequest?: AxiosRequestTransformer | AxiosRequestTransformer[];
  /** Overrides of the process's outbound policy (tests inject a resolver and a connect hook). */
  network?: Partial<OutboundPolicy>;
}

/** The deadline signal of a request, kept on its config to tell a deadline from another abort. */
const DEADLINE = Symbol('kyc.deadline');
type DeadlinedConfig = InternalAxiosRequestConfig & { [DEADLINE]?: { signal: AbortSignal; ms: number } };

/**
 * The one HTTP client factory of every vendor (Kriptomat, SumSub) and the partner's webhook. Whatever a call
 * asks for, it:
 * - follows no redirect: a 3xx is an error naming the location's host (classify-error.ts), so no token,
 *   signature or body ever reaches another host;
 * - connects only where the outbound policy allows (destination-guard.ts): https to public addresses, plain
 *   http and loopback or private addresses only for the hosts `KYC_ALLOW_INSECURE_HOSTS` lists, to the very
 *   addresses that were checked; never through an environment proxy;
 * - reads at most `maxBodyBytes` of an answer, counted while it streams in (axios' http adapter destroys the
 *   stream past `maxContentLength`), so an endless or inflating body costs a megabyte, not the worker;
 * - ends at a total deadline (`AbortSignal.timeout`), not an idle timeout, and at once when Temporal cancels
 *   the activity making the call, so a cancelled case leaves no call behind.
 */
export function createVendorHttp(options: VendorHttpOptions): AxiosInstance {
  const policy = outboundPolicy(options.network);
  const { httpAgent, httpsAgent } = guardedAgents(policy);
  const maxContentLength = options.maxBodyBytes ?? MAX_VENDOR_BODY_BYTES;
  const http = axios.create({
    baseURL: options.baseURL,
    allowAbsoluteUrls: options.baseURL === undefined,
    headers: options.headers,
    transformRequest: options.transformRequest,
  });
  http.interceptors.request.use((config: DeadlinedConfig) => {
    // Set on every request, so that no per-call option can weaken them.
    Object.assign(config, {
      adapter: 'http',
      maxRedirects: 0,
      beforeRedirect: undefined,
      proxy: false,
      socketPath: undefined,
      httpAgent,
      httpsAgent,
      maxContentLength,
      maxBodyLength: MAX_VENDOR_BODY_BYTES,
      // The deadline below governs; axios' own timeout is an idle timer a trickle never trips.
      timeout: 0,
    });
    const deadline = AbortSignal.timeout(options.timeoutMs);
    config[DEADLINE] = { signal: deadline, ms: options.timeoutMs };
    const cancellation = activityCancellation();
    const signals = [deadline, config.signal as AbortSignal | undefined, cancellation].filter(
      (signal): signal is AbortSignal => signal !== undefined,
    );
    config.signal = AbortSignal.any(signals);
    return config;
  });
  http.interceptors.response.use(undefined, (error: unknown) => {
    throw explainAbort(error);
  });
  return http;
}

/**
 * An abort said as what it was: the deadline passing is a timeout (`ETIMEDOUT`, retried like any other), and
 * an abort by the activity's cancellation says so (the activity then ends as cancelled, see failures.ts).
 */
function explainAbort(error: unknown): unknown {
  if (!isCancel(error)) return error;
  const config = (error as AxiosError).config as DeadlinedConfig | undefined;
  const deadline = config?.[DEADLINE];
  if (deadline?.signal.aborted) {
    const message = `no complete answer within ${deadline.ms} ms`;
    return new AxiosError(message, AxiosError.ETIMEDOUT, config, (error as AxiosError).request);
  }
  if (activityCancellation()?.aborted) {
    return new AxiosError('aborted: the activity was cancelled', AxiosError.ERR_CANCELED, config);
  }
  return error;
}

/** The cancellation signal of the activity this call runs in; none outside an activity (the API, tests). */
function activityCancellation(): AbortSignal | undefined {
  return currentActivityContext()?.cancellationSignal;
}
