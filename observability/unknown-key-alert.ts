import type { Logger } from './logger';
import { createLogger } from './logger';

/** Told the key id of every payload encrypted under a key this process does not know. */
export type UnknownKeyAlert = (keyId: string) => void;

let unknownKeyPayloads = 0;
let alertLogger: Pick<Logger, 'error'> | undefined;

/** Payloads this process met under an unknown key id: `kyc_codec_unknown_key_total` reads it when scraped. */
export function unknownKeyPayloadCount(): number {
  return unknownKeyPayloads;
}

/**
 * The alert of every codec in the process (worker, API, CLI): counted for `kyc_codec_unknown_key_total`, and
 * one error line naming the key id, never a byte of the payload. On stderr, so the CLI's `--json` output stays
 * clean. It means a key is missing here: a rotation rolled out in the wrong order (add the key to
 * KYC_CODEC_PREVIOUS_KEYS everywhere), or someone with Temporal access wrote a payload under a made-up id.
 */
export const reportUnknownKey: UnknownKeyAlert = (keyId) => {
  unknownKeyPayloads += 1;
  alertLogger ??= createLogger({ service: 'codec', destination: process.stderr });
  alertLogger.error(
    { keyId, alert: 'codec_unknown_key' },
    'payload encrypted under an unknown key id: it cannot be decoded until that key is configured',
  );
};
