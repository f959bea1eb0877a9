import { randomBytes } from 'node:crypto';
import type { DataConverter } from '@temporalio/common';
import type { CodecConfig } from '../config';
import { AesGcmPayloadCodec } from './aes-gcm-codec';
import { parseKeyring } from './keyring';

export {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  PayloadDecryptionError,
} from './aes-gcm-codec';
export { parseKeyring } from './keyring';
export { reportUnknownKey, unknownKeyPayloadCount } from '../observability/unknown-key-alert';
export type { UnknownKeyAlert } from '../observability/unknown-key-alert';

/** The payload codec the configuration describes. */
export function codecFromConfig(config: CodecConfig): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec(parseKeyring(config.KYC_CODEC_KEY, config.KYC_CODEC_PREVIOUS_KEYS));
}

/** The failure converter that encodes failure messages and stack traces, for `bundleWorkflowCode`. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * The data converter shared by worker and clients: default JSON payloads, sealed by the AES-GCM codec, and
 * failure messages and stack traces encoded into payloads so they are sealed too.
 */
export function kycDataConverter(config: CodecConfig): DataConverter {
  return { payloadCodecs: [codecFromConfig(config)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/** A fresh `keyId:base64` key, for `npm start`'s sandbox and for operators rotating keys. */
export function generateCodecKey(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}
