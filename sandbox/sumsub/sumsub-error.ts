import { randomUUID } from 'node:crypto';

/** SumSub's documented error body: `{description, code, correlationId, errorCode?, errorName?}`. */
export interface SumsubErrorBody {
  description: string;
  code: number;
  correlationId: string;
  errorCode?: number;
  errorName?: string;
}

/** A fresh correlation id, as SumSub attaches to every error (and the client carries into its messages). */
export function correlationId(): string {
  return `req-${randomUUID()}`;
}

/** An error body in SumSub's shape. Descriptions name fields, never the values a caller sent. */
export function sumsubError(
  code: number,
  description: string,
  extra: { errorCode?: number; errorName?: string } = {},
): SumsubErrorBody {
  return { description, code, correlationId: correlationId(), ...extra };
}

/** The documented answer to a request whose signature, token or timestamp is wrong. */
export function signatureMismatch(): SumsubErrorBody {
  return sumsubError(401, 'Request signature mismatch', {
    errorCode: 4003,
    errorName: 'app-token-signature mismatch',
  });
}
