import type { Payload, PayloadCodec } from '@temporalio/common';
import { defaultPayloadConverter, METADATA_ENCODING_KEY } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { UntrustedReason } from '../domain/untrusted-payload';
import { untrustedPayload } from '../domain/untrusted-payload';
import type { Keyring } from './keyring';
import type { UnknownKeyAlert } from '../observability/unknown-key-alert';
import { reportUnknownKey } from '../observability/unknown-key-alert';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The SDK's encoding of `undefined` and `null`: no data, so nothing to trust or distrust. */
const NULL_ENCODING = 'binary/null';

/** What an untrusted payload decodes into: a plain JSON payload, so the SDK's converter yields the marker. */
const UNTRUSTED: Readonly<Record<UntrustedReason, Payload>> = {
  plaintext: defaultPayloadConverter.toPayload(untrustedPayload('plaintext')),
  unauthenticated: defaultPayloadConverter.toPayload(untrustedPayload('unauthenticated')),
};

/** A key id as it may be shown (in an error, a log): what a real id can hold, at most 64 characters. */
const shownKeyId = (id: string): string => id.replace(/[^A-Za-z0-9_.-]/g, '?').slice(0, 64);

/** A payload that cannot be decoded: one encrypted under a key id this process does not know. */
export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

/**
 * Encrypts every payload (inputs, results, signals, queries, state, memo and summaries) with AES-256-GCM.
 * The whole original payload, metadata included, is sealed; the key id travels in clear metadata and is
 * authenticated as associated data, so a retired key keeps decoding what it wrote.
 *
 * Decoding never throws for a payload it cannot trust, since a throwing codec fails the workflow task again
 * and again: one that arrived in plaintext (anyone with Temporal access can send that) or fails
 * authentication under a known key decodes into `untrustedPayload(reason)`, which every message handler
 * drops. A payload under an unknown key id is different: it may be a genuine message written after a
 * rotation that reached the writer first, so dropping it would lose it. It fails loudly instead (the task
 * retries until the key is configured) and raises an alert.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(
    private readonly keyring: Keyring,
    private readonly alert: UnknownKeyAlert = reportUnknownKey,
  ) {}

  // The work is synchronous; `then` turns a throw into a rejection, as callers of a codec expect.
  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve().then(() => payloads.map((payload) => this.seal(payload)));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve().then(() => payloads.map((payload) => this.open(payload)));
  }

  private seal(payload: Payload): Payload {
    const { id, key } = this.keyring.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, key, iv);
    cipher.setAAD(Buffer.from(id));
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(id),
      },
      data: sealed,
    };
  }

  private open(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    const encodingName = encoding ? Buffer.from(encoding).toString() : undefined;
    if (encodingName !== ENCRYPTED_ENCODING) {
      const empty = (payload.data?.length ?? 0) === 0;
      return encodingName === NULL_ENCODING && empty ? payload : UNTRUSTED.plaintext;
    }
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    const id = idBytes ? Buffer.from(idBytes).toString() : '(none)';
    const key = this.keyring.byId.get(id);
    if (!key) {
      const shown = shownKeyId(id);
      this.alert(shown);
      throw new PayloadDecryptionError(`payload encrypted with unknown key id "${shown}"`);
    }
    const data = Buffer.from(payload.data ?? []);
    if (data.length < IV_BYTES + TAG_BYTES) return UNTRUSTED.unauthenticated;
    const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    try {
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    } catch {
      return UNTRUSTED.unauthenticated;
    }
  }
}
