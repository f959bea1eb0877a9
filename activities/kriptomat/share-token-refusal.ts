import { isAxiosError } from 'axios';
import { ShareTokenExpiredError, ShareTokenRejectedError } from '../../domain';
import { classifyHttpError } from '../http/classify-error';

/** SumSub's documented recipient error codes for a share token (10501 not-in-partners-list ... 10518). */
const RECIPIENT_CODES = { min: 10501, max: 10518 };

/** Machine-readable names only: anything else in the body may be free text, so it is left out. */
const SAFE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Recognises Kriptomat refusing the SumSub share token of an import, as opposed to refusing the call: a 400
 * carrying a SumSub recipient `errorCode`, or a 401 carrying SumSub's `errorName`/`errorCode` (an expired or
 * used token, which a fresh login cannot fix but a freshly minted token can: `ShareTokenExpired` is retryable).
 * Returns undefined for every other failure. The message names the code and name, never the token.
 */
export function shareTokenRefusal(
  error: unknown,
  endpoint: string,
): ShareTokenRejectedError | ShareTokenExpiredError | undefined {
  if (!isAxiosError(error) || !error.response) return undefined;
  const { status } = error.response;
  const data: unknown = error.response.data;
  if (typeof data !== 'object' || data === null) return undefined;
  const { errorCode, errorName } = data as Record<string, unknown>;
  const code = recipientCode(errorCode);
  const name = typeof errorName === 'string' && SAFE_NAME.test(errorName) ? errorName : undefined;
  const refused = status === 400 ? code !== undefined : status === 401 && (code ?? name) !== undefined;
  if (!refused) return undefined;
  const reason = [code, name].filter((part) => part !== undefined).join(' ');
  // The generic classification supplies the call context (status, correlation id) in the usual form.
  const { context } = classifyHttpError(error, endpoint);
  const callContext = context ?? { endpoint, status };
  if (status === 401) return new ShareTokenExpiredError(`share token refused: ${reason}`, callContext);
  return new ShareTokenRejectedError(`share token refused: ${reason}`, callContext);
}

function recipientCode(raw: unknown): number | undefined {
  const code = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  return typeof code === 'number' && code >= RECIPIENT_CODES.min && code <= RECIPIENT_CODES.max
    ? code
    : undefined;
}
