import { isAxiosError } from 'axios';
import { classifyHttpError } from '../http/classify-error';
import { ShareTokenRefusedError, ShareTokenUsedError } from './import-errors';

/** SumSub's documented recipient error codes for a share token (10501 not-in-partners-list ... 10518). */
const RECIPIENT_CODES = { min: 10501, max: 10518 };

/** Machine-readable names only: anything else in the body may be free text, so it is left out. */
const SAFE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Statuses Kriptomat may refuse a token with in its own (Laravel-style) shape, `{"message": ...}` or
 * `{"status": false, "message": ...}`, without passing SumSub's code through (docs/vendor-apis.md, "Kriptomat
 * import refusals"). 404 is left out: it names the user, not the token.
 */
const PLAIN_REFUSAL_STATUSES = new Set([400, 409, 410, 422]);

/**
 * Recognises Kriptomat refusing the SumSub share token of an import, as opposed to refusing the call: a 400
 * carrying a SumSub recipient `errorCode`; a 401 carrying SumSub's `errorName`/`errorCode` (an expired or used
 * token, which a fresh login cannot fix but a freshly minted token can: `ShareTokenExpired`); or a 400, 409,
 * 410 or 422 in Kriptomat's plain shape. Returns undefined for every other failure (a bare 401 is the
 * session's, decided by the client). The message names the status, code and name, never the token or the
 * vendor's free text.
 */
export function shareTokenRefusal(
  error: unknown,
  endpoint: string,
): ShareTokenRefusedError | ShareTokenUsedError | undefined {
  if (!isAxiosError(error) || !error.response) return undefined;
  const { status } = error.response;
  const data: unknown = error.response.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const body = data as Record<string, unknown>;
  const code = recipientCode(body.errorCode);
  const name =
    typeof body.errorName === 'string' && SAFE_NAME.test(body.errorName) ? body.errorName : undefined;
  const plain = typeof body.message === 'string' || body.status === false;
  const refused =
    status === 401
      ? (code ?? name) !== undefined
      : (status === 400 && code !== undefined) || (PLAIN_REFUSAL_STATUSES.has(status) && (plain || !!name));
  if (!refused) return undefined;
  const codes = [code, name].filter((part) => part !== undefined).join(' ');
  // The generic classification supplies the call context (status, correlation id) in the usual form.
  const { context } = classifyHttpError(error, endpoint);
  const callContext = context ?? { endpoint, status };
  if (status === 401) return new ShareTokenUsedError(codes, callContext);
  return new ShareTokenRefusedError(codes, callContext);
}

function recipientCode(raw: unknown): number | undefined {
  const code = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  return typeof code === 'number' && code >= RECIPIENT_CODES.min && code <= RECIPIENT_CODES.max
    ? code
    : undefined;
}
