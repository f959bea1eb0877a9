import axios from 'axios';
import type { AxiosInstance } from 'axios';
import { VENDOR_BODY_LIMITS } from '../http/limits';

/** How long a Kriptomat call may take before it counts as unavailable. */
const DEFAULT_KRIPTOMAT_TIMEOUT_MS = 15_000;

/**
 * The HTTP instance every Kriptomat call goes through, so no call can miss the `X-Requested-With` header the
 * partner documentation requires on every request.
 */
export function createKriptomatHttp(baseUrl: string, timeoutMs?: number): AxiosInstance {
  return axios.create({
    baseURL: baseUrl,
    timeout: timeoutMs ?? DEFAULT_KRIPTOMAT_TIMEOUT_MS,
    ...VENDOR_BODY_LIMITS,
    headers: { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' },
  });
}

/** True when `error` is an HTTP answer with this status. */
export function isHttpStatus(error: unknown, status: number): boolean {
  return axios.isAxiosError(error) && error.response?.status === status;
}
