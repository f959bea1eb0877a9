import { ConfigurationError } from '../domain';

/** One AES-256 key and the id written beside every payload it encrypts. */
export interface CodecKey {
  id: string;
  key: Buffer;
}

/** The key that encrypts, and every key that may decode (the current one and retired ones). */
export interface Keyring {
  current: CodecKey;
  byId: ReadonlyMap<string, Buffer>;
}

const KEY_BYTES = 32;

/** `keyId:base64` → a key; the error names the variable, never the value. */
function parseKey(spec: string, variable: string): CodecKey {
  const separator = spec.indexOf(':');
  const id = spec.slice(0, separator);
  const key = Buffer.from(spec.slice(separator + 1), 'base64');
  if (separator < 1 || !/^[A-Za-z0-9_.-]+$/.test(id)) {
    throw new ConfigurationError(`${variable}: must be <keyId>:<base64 AES-256 key>`);
  }
  if (key.length !== KEY_BYTES) {
    throw new ConfigurationError(
      `${variable}: key "${id}" is ${key.length} bytes, AES-256 needs ${KEY_BYTES}`,
    );
  }
  return { id, key };
}

/**
 * Builds the keyring from `KYC_CODEC_KEY` and `KYC_CODEC_PREVIOUS_KEYS`. Rotating means: make a new key
 * current and move the old one to the previous keys, so history written under it still decodes.
 */
export function parseKeyring(current: string, previous: readonly string[] = []): Keyring {
  const currentKey = parseKey(current, 'KYC_CODEC_KEY');
  const byId = new Map([[currentKey.id, currentKey.key]]);
  for (const spec of previous) {
    const { id, key } = parseKey(spec, 'KYC_CODEC_PREVIOUS_KEYS');
    const known = byId.get(id);
    if (known && !known.equals(key)) {
      throw new ConfigurationError(`KYC_CODEC_PREVIOUS_KEYS: key id "${id}" is used for two different keys`);
    }
    byId.set(id, key);
  }
  return { current: currentKey, byId };
}
