import axios from 'axios';
import type { AxiosInstance } from 'axios';
import { createVendorHttp } from '../http/vendor-http';
import type { OutboundPolicy } from '../http/outbound-policy';

/** How long a Kriptomat call may take, start to finish, before it counts as unavailable. */
const DEFAULT_KRIPTOMAT_TIMEOUT_MS = 15_000;

/**
 * The HTTP instance every Kriptomat call goes through, so no call can miss the `X-Requested-With` header the
 * partner documentation requires on every request, nor the hardening of `createVendorHttp` (no redirects,
 * checked destinations, capped answers, a total deadline, activity cancellation). `timeoutMs` is the total
 * time of one call; `network` overrides the process's outbound policy.
 */
export function createKriptomatHttp(
  baseUrl: string,
  timeoutMs?: number,
  network?: Partial<OutboundPolicy>,
): AxiosInstance {
  return createVendorHttp({
    baseURL: baseUrl,
    timeoutMs: timeoutMs ?? DEFAULT_KRIPTOMAT_TIMEOUT_MS,
    headers: { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' },
    network,
  });
}

/** True when `error` is an HTTP answer with this status. */
export function isHttpStatus(error: unknown, status: number): boolean {
  return axios.isAxiosError(error) && error.response?.status === status;
}
