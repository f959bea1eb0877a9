import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignatureCheckOptions {
  appToken: string;
  secretKey: string;
  /** How far the request timestamp may be from the simulator's clock; SumSub allows a minute. */
  toleranceMs: number;
  now: () => number;
}

export interface ReceivedRequest {
  method: string;
  /** The request target exactly as received, e.g. `/resources/applicants?levelName=basic-kyc-level`. */
  pathWithQuery: string;
  appToken: string | undefined;
  ts: string | undefined;
  signature: string | undefined;
  body: Buffer;
}

/**
 * Checks a request the way SumSub does: known app token, a Unix-seconds timestamp within the tolerance, and
 * the HMAC-SHA256 of `ts + METHOD + path-with-query + raw body`. Written apart from the client's signing code
 * on purpose, so a mistake in one is caught by the contract tests instead of mirrored.
 */
export function isSignedCorrectly(options: SignatureCheckOptions, request: ReceivedRequest): boolean {
  const { appToken, ts, signature } = request;
  if (appToken === undefined || !sameText(appToken, options.appToken)) return false;
  if (ts === undefined || !/^\d{1,12}$/.test(ts) || signature === undefined) return false;
  if (Math.abs(options.now() - Number(ts) * 1000) > options.toleranceMs) return false;
  const expected = createHmac('sha256', options.secretKey)
    .update(ts + request.method)
    .update(request.pathWithQuery)
    .update(request.body)
    .digest('hex');
  return sameText(signature, expected);
}

function sameText(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
