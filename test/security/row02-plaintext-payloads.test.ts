import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { createApp } from '../../api';
import { toPayloadJson } from '../../api/codec-server';
import { AesGcmPayloadCodec, generateCodecKey, parseKeyring, PayloadDecryptionError } from '../../codec';
import { untrustedPayload } from '../../domain/untrusted-payload';
import { createMetrics } from '../../observability/metrics';
import { apiConfig, fakeSumsub } from '../api/api-harness';
import { memoryLogger } from '../helpers/memory-logger';

/**
 * Row 2 of "hostile networks and hostile callers", the codec's half: anyone with Temporal access can put a
 * plaintext payload (a forged GREEN review) or bytes that fail authentication into a history. The codec
 * never throws for those (a throwing codec fails the workflow task again and again); it decodes them into
 * `untrustedPayload(reason)`, which every handler drops. A payload under a key id the keyring does not know
 * may be a genuine message after a rotation rolled out in the wrong order: it fails loudly, and raises an
 * alert (an error log naming the key id, and `kyc_codec_unknown_key_total`).
 */
const KEY = generateCodecKey('row02-current');
const STRANGER_KEY = generateCodecKey('row02-stranger');
const codec = new AesGcmPayloadCodec(parseKeyring(KEY));
const FORGED = { reviewStatus: 'completed', reviewAnswer: 'GREEN', marker: 'ROW02-forged-green-review' };

const payloadOf = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const valueOf = (payload: Payload | undefined): unknown =>
  defaultPayloadConverter.fromPayload(payload ?? { metadata: {} });
const bytesOf = (payload: Payload | undefined) =>
  Buffer.concat([
    ...Object.values(payload?.metadata ?? {}).map((value) => Buffer.from(value)),
    Buffer.from(payload?.data ?? []),
  ]).toString('latin1');

async function sealed(value: unknown, with_ = codec): Promise<Payload> {
  const [payload] = await with_.encode([payloadOf(value)]);
  return payload!;
}

/** `payload` with one bit of its ciphertext (or tag) flipped at `index` from the end. */
function flipped(payload: Payload, fromEnd: number): Payload {
  const data = Buffer.from(payload.data!);
  data[data.length - fromEnd] = data[data.length - fromEnd]! ^ 0x01;
  return { ...payload, data };
}

describe('the codec decodes what it cannot trust into a value that says so, never a throw', () => {
  it('a plaintext payload (a forged GREEN review) becomes untrustedPayload("plaintext")', async () => {
    const decoded = await codec.decode([payloadOf(FORGED)]);
    expect(decoded.map(valueOf)).toEqual([untrustedPayload('plaintext')]);
    expect(bytesOf(decoded[0])).not.toContain('GREEN');
    expect(bytesOf(decoded[0])).not.toContain(FORGED.marker);
  });

  it.each([
    ['the ciphertext', 20],
    ['the authentication tag', 1],
  ])(
    'bytes that fail authentication under a known key (%s flipped) become "unauthenticated"',
    async (_, at) => {
      const tampered = flipped(await sealed(FORGED), at);
      await expect(codec.decode([tampered]).then((out) => out.map(valueOf))).resolves.toEqual([
        untrustedPayload('unauthenticated'),
      ]);
    },
  );

  it('a truncated payload under a known key, or one relabelled with another known id, is "unauthenticated"', async () => {
    const truncated = { ...(await sealed(FORGED)), data: Buffer.alloc(10) };
    const other = new AesGcmPayloadCodec(parseKeyring(KEY, [generateCodecKey('row02-old')]));
    const genuine = await sealed(FORGED);
    const relabelled = {
      ...genuine,
      metadata: { ...genuine.metadata, 'encryption-key-id': Buffer.from('row02-old') },
    };
    await expect(other.decode([truncated, relabelled]).then((out) => out.map(valueOf))).resolves.toEqual([
      untrustedPayload('unauthenticated'),
      untrustedPayload('unauthenticated'),
    ]);
  });

  it('a batch keeps its genuine payloads: each untrusted one is replaced, in place', async () => {
    const batch = [
      await sealed({ ok: 1 }),
      payloadOf(FORGED),
      flipped(await sealed(FORGED), 1),
      await sealed('two'),
    ];
    await expect(codec.decode(batch).then((out) => out.map(valueOf))).resolves.toEqual([
      { ok: 1 },
      untrustedPayload('plaintext'),
      untrustedPayload('unauthenticated'),
      'two',
    ]);
  });

  it('an empty binary/null payload, which carries no data, passes as what it is', async () => {
    const empty = payloadOf(undefined);
    expect(Buffer.from(empty.metadata!.encoding!).toString()).toBe('binary/null');
    const decoded = await codec.decode([empty]);
    expect(valueOf(decoded[0])).toBeUndefined();
  });
});

describe('a payload under an unknown key id', () => {
  it('fails loudly, naming the key id, and raises an alert: an error log and kyc_codec_unknown_key_total', async () => {
    const metrics = createMetrics();
    const counted = async () =>
      Number(/^kyc_codec_unknown_key_total (\d+)/m.exec((await metrics.render()).body)?.[1] ?? 'NaN');
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(Buffer.from(chunk).toString());
      return true;
    });
    const before = await counted();
    const stranger = await sealed(FORGED, new AesGcmPayloadCodec(parseKeyring(STRANGER_KEY)));
    try {
      await expect(codec.decode([stranger])).rejects.toThrow(
        new PayloadDecryptionError('payload encrypted with unknown key id "row02-stranger"'),
      );
    } finally {
      spy.mockRestore();
    }
    expect((await counted()) - before).toBe(1);
    const alert = written.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.keyId);
    expect(alert).toMatchObject({ level: 50, keyId: 'row02-stranger' });
    // The key id only: no byte of the payload.
    const data = Buffer.from(stranger.data!).toString('base64');
    expect(written.join('\n')).not.toContain(data.slice(0, 16));
    expect(written.join('\n')).not.toContain(FORGED.marker);
  });
});

describe("the codec endpoint's /decode, as the Temporal UI shows a history", () => {
  const CODEC_TOKEN = 'row02-codec-token-0123456789abcdefghijkl';
  const connection = Connection.lazy({ address: '127.0.0.1:1' });
  afterAll(() => connection.close());
  const app = createApp({
    client: new Client({ connection }),
    config: apiConfig('kyc', { KYC_CODEC_TOKEN: CODEC_TOKEN }),
    timings: {},
    sumsub: fakeSumsub(),
    codec,
    logger: memoryLogger().logger,
  });
  const decode = async (payloads: Payload[]) => {
    const response = await app.request('/codec/decode', {
      method: 'POST',
      headers: { authorization: `Bearer ${CODEC_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: payloads.map(toPayloadJson) }),
    });
    const text = await response.text();
    return { status: response.status, text };
  };
  const valuesOf = (text: string) =>
    (JSON.parse(text) as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads.map(
      (json) =>
        valueOf({
          metadata: Object.fromEntries(
            Object.entries(json.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
          ),
          data: Buffer.from(json.data, 'base64'),
        }),
    );

  it('shows plaintext and tampered payloads as the untrusted marker, beside the genuine ones', async () => {
    const answer = await decode([
      await sealed({ ok: true }),
      payloadOf(FORGED),
      flipped(await sealed(FORGED), 1),
    ]);
    expect(answer.status).toBe(200);
    expect(valuesOf(answer.text)).toEqual([
      { ok: true },
      untrustedPayload('plaintext'),
      untrustedPayload('unauthenticated'),
    ]);
    expect(answer.text).not.toContain(Buffer.from(JSON.stringify(FORGED)).toString('base64').slice(0, 24));
  });

  it('still refuses a payload under an unknown key with 400 naming the key id, no byte echoed', async () => {
    const stranger = await sealed(FORGED, new AesGcmPayloadCodec(parseKeyring(STRANGER_KEY)));
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const answer = await decode([stranger]);
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('row02-stranger');
      expect(answer.text).not.toContain(Buffer.from(stranger.data!).toString('base64').slice(0, 16));
    } finally {
      spy.mockRestore();
    }
  });
});
