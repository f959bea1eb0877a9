import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  generateCodecKey,
  KEY_ID_METADATA,
  parseKeyring,
  PayloadDecryptionError,
} from '../../codec';
import { ConfigurationError } from '../../domain';
import { untrustedPayload } from '../../domain/untrusted-payload';

const state = { userId: 'u-1', cancelReason: 'asked by jane.doe@example.com' };
const payloadOf = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const valueOf = (payload: Payload): unknown => defaultPayloadConverter.fromPayload(payload);
const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? []).toString();

describe('AesGcmPayloadCodec', () => {
  const oldKey = generateCodecKey('2026-01');
  const newKey = generateCodecKey('2026-11');

  it('round-trips a payload and hides its content, metadata included', async () => {
    const codec = new AesGcmPayloadCodec(parseKeyring(newKey));
    const [sealed] = await codec.encode([payloadOf(state)]);
    expect(text(sealed!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed!.metadata![KEY_ID_METADATA])).toBe('2026-11');
    expect(text(sealed!.data)).not.toContain('jane.doe');
    expect(text(sealed!.data)).not.toContain('json/plain');
    const [opened] = await codec.decode([sealed!]);
    expect(valueOf(opened!)).toEqual(state);
  });

  it('uses a fresh IV per payload, so equal values do not look equal', async () => {
    const codec = new AesGcmPayloadCodec(parseKeyring(newKey));
    const [a, b] = await codec.encode([payloadOf(state), payloadOf(state)]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('keeps decoding history written under a retired key after a rotation', async () => {
    const before = new AesGcmPayloadCodec(parseKeyring(oldKey));
    const [written] = await before.encode([payloadOf(state)]);
    const after = new AesGcmPayloadCodec(parseKeyring(newKey, [oldKey]));
    expect(valueOf((await after.decode([written!]))[0]!)).toEqual(state);
    // New payloads use the new key.
    const [fresh] = await after.encode([payloadOf(state)]);
    expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe('2026-11');
  });

  it('refuses a payload of an unknown key, naming the key id', async () => {
    const [written] = await new AesGcmPayloadCodec(parseKeyring(oldKey)).encode([payloadOf(state)]);
    const stranger = new AesGcmPayloadCodec(parseKeyring(newKey), () => undefined);
    await expect(stranger.decode([written!])).rejects.toThrow(
      new PayloadDecryptionError('payload encrypted with unknown key id "2026-01"'),
    );
  });

  it('decodes tampered bytes into the untrusted marker instead of returning garbage (or throwing)', async () => {
    const codec = new AesGcmPayloadCodec(parseKeyring(newKey));
    const [sealed] = await codec.encode([payloadOf(state)]);
    const data = Buffer.from(sealed!.data!);
    data[20] = data[20]! ^ 0xff;
    const [opened] = await codec.decode([{ ...sealed!, data }]);
    expect(valueOf(opened!)).toEqual(untrustedPayload('unauthenticated'));
  });

  it('decodes a plaintext payload into the untrusted marker: only what the codec sealed is trusted', async () => {
    const codec = new AesGcmPayloadCodec(parseKeyring(newKey));
    const [opened] = await codec.decode([payloadOf({ userId: 'u-2' })]);
    expect(valueOf(opened!)).toEqual(untrustedPayload('plaintext'));
  });

  it('tells its alert the id of an unknown key, and nothing else', async () => {
    const [written] = await new AesGcmPayloadCodec(parseKeyring(oldKey)).encode([payloadOf(state)]);
    const alerts: string[] = [];
    const stranger = new AesGcmPayloadCodec(parseKeyring(newKey), (keyId) => alerts.push(keyId));
    await expect(stranger.decode([written!])).rejects.toThrow(PayloadDecryptionError);
    expect(alerts).toEqual(['2026-01']);
  });
});

describe('parseKeyring', () => {
  it('names the variable and the key id of a key of the wrong size, never the key', () => {
    const short = `k1:${Buffer.alloc(16, 1).toString('base64')}`;
    expect(() => parseKeyring(short)).toThrow(ConfigurationError);
    expect(() => parseKeyring(short)).toThrow('KYC_CODEC_KEY: key "k1" is 16 bytes, AES-256 needs 32');
    const good = generateCodecKey('k2');
    expect(() => parseKeyring(good, [short])).toThrow(/^KYC_CODEC_PREVIOUS_KEYS: /);
  });

  it('refuses one key id for two different keys', () => {
    expect(() => parseKeyring(generateCodecKey('k1'), [generateCodecKey('k1')])).toThrow(
      'KYC_CODEC_PREVIOUS_KEYS: key id "k1" is used for two different keys',
    );
  });

  it('refuses a key without an id', () => {
    expect(() => parseKeyring(Buffer.alloc(32).toString('base64'))).toThrow(/must be <keyId>:<base64/);
  });
});
