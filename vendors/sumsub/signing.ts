import { createHmac } from 'node:crypto';

/** Headers SumSub authenticates every `/resources` call with. */
export interface SignedHeaders {
  'X-App-Token': string;
  'X-App-Access-Ts': string;
  'X-App-Access-Sig': string;
}

export interface RequestToSign {
  method: string;
  /** Path and query exactly as they go on the wire, e.g. `/resources/accessTokens?userId=a&ttlInSecs=600`. */
  pathWithQuery: string;
  /** The body bytes exactly as sent; omitted for calls without a body. */
  body?: Buffer | string;
}

/**
 * The bytes SumSub signs: `ts + METHOD + path-with-query + body`, with no separators and nothing appended when
 * there is no body. Kept separate so tests can compare it with the documented example.
 */
export function stringToSign(tsSeconds: number, request: RequestToSign): Buffer {
  const head = Buffer.from(`${tsSeconds}${request.method.toUpperCase()}${request.pathWithQuery}`, 'utf8');
  if (request.body === undefined) return head;
  const body = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
  return Buffer.concat([head, body]);
}

/** Lowercase hex HMAC-SHA256 of the string to sign, keyed by the app's secret key. */
export function signatureOf(secretKey: string, tsSeconds: number, request: RequestToSign): string {
  return createHmac('sha256', secretKey).update(stringToSign(tsSeconds, request)).digest('hex');
}

/** The three authentication headers for one request; the timestamp is Unix seconds, never milliseconds. */
export function signRequest(
  credentials: { appToken: string; secretKey: string },
  request: RequestToSign,
  nowMs: number,
): SignedHeaders {
  const ts = Math.floor(nowMs / 1000);
  return {
    'X-App-Token': credentials.appToken,
    'X-App-Access-Ts': String(ts),
    'X-App-Access-Sig': signatureOf(credentials.secretKey, ts, request),
  };
}

/**
 * Percent-encodes everything but RFC 3986 unreserved characters. Stricter than `encodeURIComponent` (which
 * leaves `!'()*`) because the HTTP stack may re-encode those in a query, and then the bytes sent would no
 * longer be the bytes signed.
 */
export function encodeStrict(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `path?key=value&...` in the given order, encoded once, so that what is signed is what is sent. */
export function withQuery(path: string, params: Record<string, string | number>): string {
  const query = Object.entries(params)
    .map(([key, value]) => `${encodeStrict(key)}=${encodeStrict(String(value))}`)
    .join('&');
  return query === '' ? path : `${path}?${query}`;
}
