/**
 * What the payload codec hands the SDK in place of a payload it cannot trust: one that arrived in plain text
 * (anyone with Temporal access can send that) or failed authentication under a known key. Decoding never
 * throws for these, since a throwing codec fails the workflow task again and again; instead every message
 * handler parses its input and drops this value (logged and counted), leaving the case untouched.
 */
export const UNTRUSTED_PAYLOAD_KEY = 'kycUntrustedPayload';

export type UntrustedReason = 'plaintext' | 'unauthenticated';

export interface UntrustedPayload {
  [UNTRUSTED_PAYLOAD_KEY]: UntrustedReason;
}

export function untrustedPayload(reason: UntrustedReason): UntrustedPayload {
  return { [UNTRUSTED_PAYLOAD_KEY]: reason };
}

export function isUntrustedPayload(value: unknown): value is UntrustedPayload {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, UNTRUSTED_PAYLOAD_KEY);
}
