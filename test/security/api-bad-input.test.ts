import { createHmac } from 'node:crypto';
import { formatCreatedAtMs } from '../../vendors/sumsub/webhook';
import type { KycCaseState } from '../../domain';
import { kycWorkflowId } from '../../domain';
import type { ApiEngine } from '../helpers/api-engine';
import { startApiEngine } from '../helpers/api-engine';
import { countBy, formatTable, printFigures } from '../helpers/figures';
import { eventually } from '../helpers/temporal';
import type { RawAnswer, RawRequest } from './raw-http';
import { rawBytes, rawRequest } from './raw-http';

/**
 * What callers can send the API that it must refuse, over real HTTP against the API as its process runs it
 * (the real worker and simulators behind it): invalid user ids on every route, oversized and malformed
 * bodies, wrong content types, bad queries, unknown routes and methods, SumSub webhooks whose digest is
 * missing, wrong, truncated, of an unknown algorithm, or over a re-serialised body, and exact replays, and
 * Kriptomat webhooks at a wrong path token. Every answer is a 4xx (JSON naming the problem, when the app
 * answers it) or harmless; never a 5xx, never a crash, and nothing signalled twice. The exception by design:
 * a webhook body that passes its credential (Kriptomat's path token, SumSub's digest) is always acknowledged
 * (202, a `malformed` receipt naming the field when it breaks the contract), so it is not delivered again.
 */
jest.setTimeout(5 * 60_000);

/** The path token of Kriptomat's webhook: the route is `/webhooks/kriptomat/<token>`, the token its credential. */
const KRIPTOMAT_HOOK_TOKEN = 'kriptomat-hook-token-bad-input-0001';
const KRIPTOMAT_HOOK = `/webhooks/kriptomat/${KRIPTOMAT_HOOK_TOKEN}`;
/** Exactly what the API answers a route it does not have. */
const NO_SUCH_ROUTE = '{"error":"not_found","message":"no such route"}';
let engine: ApiEngine;
const run = Date.now();
/** A valid user id that never gets a case: requests that pass validation end in a harmless 404. */
const NOBODY = `never-started-${run}`;

beforeAll(async () => {
  engine = await startApiEngine('api-bad-input', {}, { KRIPTOMAT_WEBHOOK_TOKEN: KRIPTOMAT_HOOK_TOKEN });
});

/** Everything sent, and what came back. */
const tried: { kind: string; label: string; status: number }[] = [];
afterAll(async () => {
  printCallerFigures();
  await engine?.stop();
});

interface Probe {
  label: string;
  request: RawRequest;
  /** The statuses that are right for it. */
  want: readonly number[];
  /** Text the JSON answer must contain: the part of the request it names (`params.userId`, `body.reason`). */
  names?: string;
  /** Refused by Node's HTTP parser before the app sees it: a 4xx, but not the app's JSON. */
  transport?: boolean;
}

const bearer = () => ({ authorization: `Bearer ${engine.apiToken}` });
const json = { 'content-type': 'application/json' };

async function send(kind: string, probe: Probe): Promise<RawAnswer> {
  const answer = await rawRequest(engine.apiUrl, probe.request);
  tried.push({ kind, label: probe.label, status: answer.status });
  return answer;
}

/** Every refusal: the status wanted, never a 5xx, and (from the app) JSON naming the problem. */
function expectRefusal(probe: Probe, answer: RawAnswer): void {
  // The label travels with the status, so a failure says which input got which answer.
  const wanted = probe.want.includes(answer.status) ? answer.status : `one of ${probe.want.join(', ')}`;
  expect({ probe: probe.label, status: answer.status }).toEqual({ probe: probe.label, status: wanted });
  expect(answer.status).toBeLessThan(500);
  if (probe.transport || probe.request.method === 'HEAD') return;
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(answer.text) as { error?: unknown; result?: unknown };
  expect(typeof (body.error ?? body.result)).toBe('string');
  if (probe.names) expect(answer.text).toContain(probe.names);
}

async function runProbes(kind: string, probes: Probe[]): Promise<void> {
  for (const probe of probes) expectRefusal(probe, await send(kind, probe));
}

/** Every route that names a user, with a valid request otherwise. */
const USER_ROUTES: [string, (id: string) => string, unknown?][] = [
  ['PUT', (id) => `/v1/cases/${id}`],
  ['GET', (id) => `/v1/cases/${id}`],
  ['POST', (id) => `/v1/cases/${id}/recheck`],
  ['POST', (id) => `/v1/cases/${id}/cancel`, { reason: 'test' }],
  ['POST', (id) => `/v1/cases/${id}/retry`],
  ['POST', (id) => `/v1/cases/${id}/sumsub-access-token`],
];

/** Path segments that are no user id, as they go on the wire. */
const INVALID_IDS: [label: string, segment: string, want: number[]][] = [
  ['empty', '', [404]],
  ['129 characters', 'a'.repeat(129), [400]],
  ['4000 characters', 'a'.repeat(4000), [400]],
  ['a space', 'a%20b', [400]],
  ['unicode', '%C3%BCser', [400]],
  ['CJK', '%E7%94%A8%E6%88%B7', [400]],
  ['an emoji', '%F0%9F%98%80', [400]],
  ['path traversal, encoded', '..%2F..%2Fetc%2Fpasswd', [400]],
  ['path traversal', '..', [404]],
  ['dot-dot, percent-encoded', '%2e%2e', [404]],
  ['a NUL byte', '%00', [400]],
  ['a NUL byte inside', 'a%00b', [400]],
  ['a lone %', '%', [400]],
  ['an invalid escape', '%ZZ', [400]],
  ['truncated UTF-8', '%C3', [400]],
  ['a leading dot', '.hidden', [400]],
  ['a leading dash', '-x', [400]],
  ['an email', 'someone@example.com', [400]],
  ['SQL', "1'%20OR%20'1'%3D'1", [400]],
  ['CR LF and a header', 'a%0D%0ASet-Cookie:%20x=1', [400]],
  ['an encoded slash', 'a%2Fb', [400]],
];

describe('invalid user ids, on every route that takes one', () => {
  it.each(
    USER_ROUTES.map(([method, path, body]) => [`${method} ${path('{userId}')}`, method, path, body] as const),
  )(
    '%s: 400 naming params.userId (404 when the path no longer matches a route)',
    async (_, method, path, body) => {
      await runProbes(
        'invalid user id',
        INVALID_IDS.map(([label, segment, want]) => ({
          label: `${method} ${path('{userId}')}: ${label}`,
          request: {
            method,
            path: path(segment),
            headers: { ...bearer(), ...(body !== undefined && json) },
            body: body === undefined ? undefined : JSON.stringify(body),
          },
          want,
          names: want.includes(400) ? 'params.userId' : 'no such route',
        })),
      );
    },
  );
});

/**
 * The right credentials for `path` (the codec takes none from a caller on this machine; Kriptomat's webhook
 * carries its own in the path).
 */
function authFor(path: string): Record<string, string> {
  return path.startsWith('/v1') ? bearer() : {};
}

/** A JSON body sent to `path` with the right credentials for it. */
function bodyProbe(
  label: string,
  path: string,
  body: string | Buffer,
  want: number[],
  names?: string,
  method = 'POST',
): Probe {
  return { label, request: { method, path, headers: { ...authFor(path), ...json }, body }, want, names };
}

describe('malformed bodies', () => {
  const cancel = `/v1/cases/${NOBODY}/cancel`;

  it('POST .../cancel: 400 naming the body or the field; a well-formed body meets the unknown case (404)', async () => {
    await runProbes('malformed body', [
      bodyProbe('truncated JSON', cancel, '{"reason":', [400], 'body'),
      bodyProbe('not JSON', cancel, 'reason=duplicate', [400], 'body'),
      bodyProbe('empty', cancel, '', [400], 'body'),
      bodyProbe('null', cancel, 'null', [400], 'body'),
      bodyProbe('an array', cancel, '[]', [400], 'body'),
      bodyProbe('a string', cancel, '"duplicate"', [400], 'body'),
      bodyProbe('a number', cancel, '42', [400], 'body'),
      bodyProbe('no reason', cancel, '{}', [400], 'body.reason'),
      bodyProbe('reason of the wrong type', cancel, '{"reason":5}', [400], 'body.reason'),
      bodyProbe('an empty reason', cancel, '{"reason":""}', [400], 'body.reason'),
      bodyProbe('a blank reason', cancel, '{"reason":"   "}', [400], 'body.reason'),
      bodyProbe(
        'a reason of 501 characters',
        cancel,
        JSON.stringify({ reason: 'r'.repeat(501) }),
        [400],
        'body.reason',
      ),
      bodyProbe('5000 levels of nesting', cancel, `${'['.repeat(5000)}${']'.repeat(5000)}`, [400], 'body'),
      bodyProbe(
        'invalid UTF-8',
        cancel,
        Buffer.from([0x7b, 0x22, 0x72, 0xff, 0xfe, 0x22, 0x7d]),
        [400],
        'body',
      ),
      bodyProbe(
        '__proto__ smuggled in',
        cancel,
        '{"__proto__":{"admin":true},"reason":"x"}',
        [404],
        'not_found',
      ),
      bodyProbe('a byte-order mark', cancel, `\ufeff${JSON.stringify({ reason: 'x' })}`, [400, 404]),
      bodyProbe(
        'a body on a route that takes none',
        `/v1/cases/${NOBODY}/retry`,
        '{"reason":',
        [404],
        'not_found',
      ),
    ]);
  });

  it('POST /webhooks/kriptomat/<token>: acknowledged (202) whatever the body; a malformed receipt names the field', async () => {
    const hook = KRIPTOMAT_HOOK;
    const reviewed = (externalUserId: string) =>
      `{"type":"applicantReviewed","applicantId":"km-0123456789abcdef","externalUserId":${externalUserId}}`;
    const probes = [
      bodyProbe('truncated JSON', hook, '{"type":', [202], 'webhook body is not JSON'),
      bodyProbe('not JSON', hook, 'type=applicantReviewed', [202], 'webhook body is not JSON'),
      bodyProbe('empty', hook, '', [202], 'webhook body is not JSON'),
      bodyProbe(
        'invalid UTF-8',
        hook,
        Buffer.from([0x7b, 0x22, 0x72, 0xff, 0xfe, 0x22, 0x7d]),
        [202],
        'malformed',
      ),
      bodyProbe('null', hook, 'null', [202], 'malformed'),
      bodyProbe('an array', hook, '[]', [202], 'malformed'),
      bodyProbe('5000 levels of nesting', hook, `${'['.repeat(5000)}${']'.repeat(5000)}`, [202], 'malformed'),
      bodyProbe('the former body', hook, '{"userId":"u-1"}', [202], 'contract: type:'),
      bodyProbe('no type', hook, `{"externalUserId":"${NOBODY}"}`, [202], 'contract: type:'),
      bodyProbe('no externalUserId', hook, '{"type":"applicantReviewed"}', [202], 'externalUserId:'),
      ...[
        ['a negative number', '-1'],
        ['a fraction', '1.5'],
        ['a boolean', 'true'],
        ['null', 'null'],
        ['an array', '["u-1"]'],
        ['an object', '{"id":"u-1"}'],
      ].map(([label, value]) =>
        bodyProbe(`externalUserId: ${label}`, hook, reviewed(value!), [202], 'externalUserId:'),
      ),
      // Strings that can be no user of ours: readable, so not malformed, but no case to wake.
      ...[
        ['an email', '"someone@example.com"'],
        ['129 characters', JSON.stringify('u'.repeat(129))],
        ['path traversal', '"../../etc/passwd"'],
      ].map(([label, value]) =>
        bodyProbe(`externalUserId: ${label}`, hook, reviewed(value!), [202], '"result":"unknown_case"'),
      ),
      bodyProbe(
        'a well-formed one for nobody',
        hook,
        reviewed(`"${NOBODY}"`),
        [202],
        '"result":"unknown_case"',
      ),
    ];
    for (const probe of probes) {
      const answer = await send('malformed body', probe);
      expectRefusal(probe, answer);
      // The receipt names fields and expectations, never the values sent.
      for (const value of ['someone@example.com', 'etc/passwd', 'u'.repeat(129)])
        expect(answer.text).not.toContain(value);
    }
  });

  it('POST /codec/decode and /codec/encode: 400 naming what is wrong', async () => {
    const garbage = {
      metadata: { encoding: Buffer.from('binary/encrypted').toString('base64') },
      data: 'AAAA',
    };
    const unknownKey = {
      metadata: {
        encoding: Buffer.from('binary/encrypted').toString('base64'),
        'encryption-key-id': Buffer.from('no-such-key').toString('base64'),
      },
      data: Buffer.alloc(40).toString('base64'),
    };
    await runProbes('malformed body', [
      bodyProbe('truncated JSON', '/codec/decode', '{"payloads":', [400], 'body'),
      bodyProbe('payloads not a list', '/codec/decode', '{"payloads":"x"}', [400], 'body.payloads'),
      bodyProbe('data not base64', '/codec/decode', '{"payloads":[{"data":"!!!"}]}', [400], 'base64'),
      bodyProbe(
        'encrypted without a key id',
        '/codec/decode',
        JSON.stringify({ payloads: [garbage] }),
        [400],
        'undecodable_payload',
      ),
      bodyProbe(
        'under an unknown key',
        '/codec/decode',
        JSON.stringify({ payloads: [unknownKey] }),
        [400],
        'no-such-key',
      ),
      bodyProbe('payloads not a list, encode', '/codec/encode', '{"payloads":{}}', [400], 'body.payloads'),
    ]);
  });
});

describe('wrong content types', () => {
  it.each([
    ['POST .../cancel', `/v1/cases/${NOBODY}/cancel`],
    ['POST /codec/decode', '/codec/decode'],
  ])('%s: 415 saying the body must be JSON', async (_, path) => {
    const probe = (label: string, contentType: string | null): Probe => ({
      label: `${path}: ${label}`,
      request: {
        method: 'POST',
        path,
        headers: { ...authFor(path), ...(contentType !== null && { 'content-type': contentType }) },
        body: path.includes('codec') ? '{"payloads":[]}' : '{"reason":"x"}',
      },
      want: [415],
      names: 'application/json',
    });
    await runProbes('wrong content type', [
      probe('text/plain', 'text/plain'),
      probe('none', null),
      probe('a form', 'application/x-www-form-urlencoded'),
      probe('multipart', 'multipart/form-data; boundary=x'),
      probe('XML', 'application/xml'),
    ]);
  });

  it('POST /webhooks/kriptomat/<token>: reads the bytes whatever the content type says, and acknowledges them (202)', async () => {
    const body = JSON.stringify({ type: 'applicantReviewed', externalUserId: NOBODY });
    await runProbes(
      'wrong content type',
      [null, 'text/plain', 'application/x-www-form-urlencoded', 'application/xml'].map(
        (contentType): Probe => ({
          label: `Kriptomat webhook: ${contentType ?? 'no content type'}`,
          request: {
            method: 'POST',
            path: KRIPTOMAT_HOOK,
            headers: contentType === null ? {} : { 'content-type': contentType },
            body,
          },
          want: [202],
          names: '"result":"unknown_case"',
        }),
      ),
    );
  });
});

describe('oversized bodies', () => {
  const big = (bytes: number) => JSON.stringify({ reason: 'r'.repeat(bytes) });
  const oversized = (label: string, path: string, body: string, chunked = false, method = 'POST'): Probe => {
    const base = bodyProbe(label, path, body, [413], 'payload_too_large', method);
    return { ...base, request: { ...base.request, chunked } };
  };

  it('413 on every route that reads a body, whether its length is announced or not', async () => {
    await runProbes('oversized body', [
      oversized('300 KiB, announced', `/v1/cases/${NOBODY}/cancel`, big(300 * 1024)),
      oversized('300 KiB, chunked', `/v1/cases/${NOBODY}/cancel`, big(300 * 1024), true),
      oversized('8 MiB, chunked', `/v1/cases/${NOBODY}/cancel`, big(8 * 1024 * 1024), true),
      oversized('300 KiB on PUT, which reads none', `/v1/cases/${NOBODY}`, big(300 * 1024), false, 'PUT'),
      oversized('300 KiB to the SumSub webhook', '/webhooks/sumsub', big(300 * 1024)),
      oversized('300 KiB to the Kriptomat webhook', KRIPTOMAT_HOOK, big(300 * 1024)),
      oversized('300 KiB to the Kriptomat webhook, chunked', KRIPTOMAT_HOOK, big(300 * 1024), true),
      // Refused before the token is looked at, as at any path under /webhooks: no hint about the token.
      oversized('300 KiB at a wrong Kriptomat token', `${KRIPTOMAT_HOOK}x`, big(300 * 1024)),
      oversized('300 KiB to no route under /webhooks', '/webhooks/no-such-hook', big(300 * 1024)),
      oversized('33 MiB to the codec, chunked', '/codec/decode', big(33 * 1024 * 1024), true),
    ]);
  });
});

describe('bad queries', () => {
  it.each([
    ['limit=abc', 'query.limit'],
    ['limit=0', 'query.limit'],
    ['limit=1001', 'query.limit'],
    ['limit=-1', 'query.limit'],
    ['limit=1.5', 'query.limit'],
    ['limit=%00', 'query.limit'],
    ['limit=1&limit=2', 'query.limit'],
    ['phase=nope', 'query.phase'],
    ['phase=approved&phase=rejected', 'query.phase'],
    ['outcome=pending', 'query.outcome'],
  ])('GET /v1/cases?%s: 400 naming %s', async (query, names) => {
    await runProbes('bad query', [
      {
        label: query,
        request: { method: 'GET', path: `/v1/cases?${query}`, headers: bearer() },
        want: [400],
        names,
      },
    ]);
  });
});

describe('unknown routes and methods', () => {
  it('404 (401 for /v1 without the token) in JSON, whatever the method', async () => {
    const probe = (method: string, path: string, want = [404]): Probe => ({
      label: `${method} ${path}`,
      request: { method, path, headers: bearer() },
      want,
    });
    await runProbes('unknown route or method', [
      probe('GET', '/v1/nothing'),
      probe('GET', '/v2/cases'),
      probe('GET', `/v1/cases/${NOBODY}/nothing`),
      probe('DELETE', `/v1/cases/${NOBODY}`),
      probe('PATCH', `/v1/cases/${NOBODY}`),
      probe('POST', '/v1/cases'),
      probe('PUT', '/v1/cases'),
      probe('GET', `/v1/cases/${NOBODY}/recheck`),
      probe('OPTIONS', '/v1/cases'),
      probe('TRACE', '/v1/cases'),
      probe('HEAD', '/nothing'),
      probe('GET', '/webhooks/sumsub'),
      { ...probe('PUT', KRIPTOMAT_HOOK), label: 'PUT /webhooks/kriptomat/<token>' },
      { ...probe('GET', KRIPTOMAT_HOOK), label: 'GET /webhooks/kriptomat/<token>' },
      { ...probe('DELETE', KRIPTOMAT_HOOK), label: 'DELETE /webhooks/kriptomat/<token>' },
      probe('POST', '/webhooks/kriptomat'),
      { ...probe('POST', `${KRIPTOMAT_HOOK}/more`), label: 'POST /webhooks/kriptomat/<token>/more' },
      probe('GET', '/codec/decode'),
      probe('GET', '/%2e%2e/%2e%2e/etc/passwd'),
      probe('GET', '/..%2f..%2fetc%2fpasswd'),
      probe('GET', '//v1//cases'),
      probe('GET', '/openapi.json/more'),
      probe('GET', '/metrics/../../etc/passwd'),
    ]);
  });
});

describe("what Node's HTTP parser refuses before the app", () => {
  it('oversized request lines and headers (431), and bytes that are not HTTP (400)', async () => {
    await runProbes('malformed HTTP', [
      {
        label: 'a 20 KiB URL',
        request: { method: 'GET', path: `/v1/cases/${'a'.repeat(20 * 1024)}`, headers: bearer() },
        want: [431],
        transport: true,
      },
      {
        label: 'a 20 KiB header',
        request: {
          method: 'GET',
          path: '/v1/cases',
          headers: { ...bearer(), 'x-padding': 'p'.repeat(20 * 1024) },
        },
        want: [431],
        transport: true,
      },
    ]);
    for (const [label, bytes] of [
      ['not HTTP', 'HELLO THERE\r\n\r\n'],
      ['a header without a colon', 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'],
      [
        'both content-length and chunked (request smuggling)',
        'POST /webhooks/sumsub HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      ],
    ] as const) {
      const statusLine = await rawBytes(engine.apiUrl, bytes);
      tried.push({ kind: 'malformed HTTP', label, status: Number(statusLine.split(' ')[1]) });
      expect({ label, statusLine }).toEqual({
        label,
        statusLine: expect.stringMatching(/^HTTP\/1\.1 400 /) as string,
      });
    }
  });
});

describe('SumSub webhooks that are forged, damaged or replayed', () => {
  type Receipt = { result?: string; error?: string };
  const webhooks: { label: string; status: number; result: string }[] = [];

  const sign = (raw: string, hash = 'sha256', secret = engine.webhookSecret) =>
    createHmac(hash, secret).update(raw).digest('hex');
  async function deliver(label: string, raw: string, headers: Record<string, string>): Promise<RawAnswer> {
    const answer = await rawRequest(engine.apiUrl, {
      method: 'POST',
      path: '/webhooks/sumsub',
      headers: { ...json, ...headers },
      body: raw,
    });
    const { result, error } = JSON.parse(answer.text) as Receipt;
    webhooks.push({ label, status: answer.status, result: result ?? error ?? '' });
    tried.push({ kind: 'webhook', label, status: answer.status });
    return answer;
  }
  const signedBy = (digest: string, alg = 'HMAC_SHA256_HEX') => ({
    'x-payload-digest': digest,
    'x-payload-digest-alg': alg,
  });

  /** The `sumsubEvent` signals in the case's history: what the receiver actually signalled. */
  async function signalsOf(userId: string): Promise<number> {
    const history = await engine.client.workflow.getHandle(kycWorkflowId(userId)).fetchHistory();
    return (history.events ?? []).filter(
      (event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'sumsubEvent',
    ).length;
  }

  afterAll(() => {
    console.log(formatTable('SumSub webhook corpus: answer per delivery', webhooks));
  });

  it('refuses every damaged digest with 401, answers replays 200 duplicate, and signals each body once', async () => {
    const userId = `not_started-hooks-${run}`;
    expect((await engine.api('PUT', `/v1/cases/${userId}`)).status).toBe(202);
    // The simulator's own applicantCreated webhook has been taken (acknowledged and ignored: it is no review
    // event, so it wakes nothing): no delivery of SumSub's is under way.
    const taken = (line: Record<string, unknown>) =>
      line.msg === 'webhook' && line.type === 'applicantCreated' && line.userId === userId;
    const waiting = await eventually(async () => {
      const { body } = await engine.api<KycCaseState>('GET', `/v1/cases/${userId}`);
      const logged = engine
        .logs()
        .split('\n')
        .filter(Boolean)
        .some((line) => taken(JSON.parse(line) as Record<string, unknown>));
      return body.phase === 'awaiting_user' && logged ? body : undefined;
    });
    const before = await signalsOf(userId);
    const event = (type: string, at: Date) =>
      JSON.stringify({
        type,
        applicantId: waiting.review?.applicantId,
        externalUserId: userId,
        levelName: 'basic-kyc-level',
        sandboxMode: true,
        reviewStatus: 'pending',
        createdAtMs: formatCreatedAtMs(at),
      });
    const raw = event('applicantPending', new Date());
    const digest = sign(raw);

    const refused: [string, string, Record<string, string>][] = [
      ['no digest', raw, { 'x-payload-digest-alg': 'HMAC_SHA256_HEX' }],
      // A missing algorithm means SHA-256 (SumSub's reference verifier): a digest of another algorithm fails.
      ['no algorithm, over a SHA-1 digest', raw, { 'x-payload-digest': sign(raw, 'sha1') }],
      ['an empty digest', raw, signedBy('')],
      ['a digest under another secret', raw, signedBy(sign(raw, 'sha256', 'not-the-secret'))],
      ['a truncated digest', raw, signedBy(digest.slice(0, 32))],
      ['a digest with a byte more', raw, signedBy(`${digest}00`)],
      ['a digest that is not hex', raw, signedBy('z'.repeat(64))],
      ['an unknown algorithm (MD5)', raw, signedBy(sign(raw, 'md5'), 'HMAC_MD5_HEX')],
      ['the algorithm in lower case', raw, signedBy(digest, 'hmac_sha256_hex')],
      ['the algorithm of another digest', raw, signedBy(digest, 'HMAC_SHA1_HEX')],
      ['a re-serialised body', JSON.stringify(JSON.parse(raw), null, 2), signedBy(digest)],
      ['a trailing newline', `${raw}\n`, signedBy(digest)],
      ['a tampered field', raw.replace('applicantPending', 'applicantReviewed'), signedBy(digest)],
    ];
    for (const [label, body, headers] of refused) {
      const answer = await deliver(label, body, headers);
      expect({ label, status: answer.status, text: answer.text }).toEqual({
        label,
        status: 401,
        text: expect.stringContaining('bad_signature') as string,
      });
      expect(answer.text).not.toContain(engine.webhookSecret);
    }

    expect((await deliver('the signed body', raw, signedBy(digest))).status).toBe(200);
    for (const [label, headers] of [
      ['the same bytes again', signedBy(digest)],
      ['the same bytes, digest in upper case', signedBy(digest.toUpperCase())],
      ['the same bytes signed with SHA-512', signedBy(sign(raw, 'sha512'), 'HMAC_SHA512_HEX')],
      ['the same bytes, no algorithm (SHA-256 assumed)', { 'x-payload-digest': digest }],
    ] as const) {
      const answer = await deliver(label, raw, headers);
      expect({ label, status: answer.status, text: answer.text }).toEqual({
        label,
        status: 200,
        text: expect.stringContaining('"result":"duplicate"') as string,
      });
    }
    // Five copies of a new body at once: one is taken, the others are replays of it.
    const second = event('applicantPrechecked', new Date(Date.now() + 1000));
    const copies = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        deliver(`a new body, copy ${n} of 5 at once`, second, signedBy(sign(second))),
      ),
    );
    expect(copies.map((copy) => (JSON.parse(copy.text) as Receipt).result).sort()).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'signalled',
    ]);
    const unknown = event('applicantPending', new Date()).replace(userId, `onboarded-elsewhere-${run}`);
    expect(
      (await deliver('a signed body for a user without a case', unknown, signedBy(sign(unknown)))).status,
    ).toBe(202);
    // A signed body is acknowledged even when unreadable, or SumSub would deliver it again and again.
    const unreadable = await deliver('signed, not JSON', '{"type":', signedBy(sign('{"type":')));
    expect({ status: unreadable.status, text: unreadable.text }).toEqual({
      status: 202,
      text: expect.stringContaining('"result":"malformed"') as string,
    });

    // The recheck is an update, delivered after every signal sent before it: its answer counts them all.
    const after = await engine.api<KycCaseState>('POST', `/v1/cases/${userId}/recheck`);
    expect(after.body.sumsubEvents).toBe(waiting.sumsubEvents + 2);
    expect(await signalsOf(userId)).toBe(before + 2);
    await engine.api('POST', `/v1/cases/${userId}/cancel`, { reason: 'test cleanup' });
  });

  it('answers Kriptomat webhooks at a wrong path token exactly as an unknown route, and signals nothing', async () => {
    const userId = `pending_forever-hooks-${run}`;
    await engine.api('PUT', `/v1/cases/${userId}`);
    const body = JSON.stringify({
      type: 'applicantReviewed',
      applicantId: 'km-0123456789abcdef',
      externalUserId: userId,
    });
    const post = (path: string, headers: Record<string, string> = {}): RawRequest => ({
      method: 'POST',
      path,
      headers: { ...json, ...headers },
      body,
    });
    const withoutDate = (answer: RawAnswer) => {
      const { date: _date, ...headers } = answer.headers;
      return { status: answer.status, headers, text: answer.text };
    };
    const unknownRoute = withoutDate(await rawRequest(engine.apiUrl, post('/webhooks/no-such-hook')));
    expect(unknownRoute).toMatchObject({ status: 404, text: NO_SUCH_ROUTE });

    const token = KRIPTOMAT_HOOK_TOKEN;
    const wrongSameLength = token.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
    const wrong: [string, RawRequest][] = [
      ['no token (the former route)', post('/webhooks/kriptomat')],
      [
        'the former route, the token as a bearer',
        post('/webhooks/kriptomat', { authorization: `Bearer ${token}` }),
      ],
      ['the token in a header', post('/webhooks/kriptomat', { 'x-webhook-token': token })],
      ['the token in the query string', post(`/webhooks/kriptomat?token=${token}`)],
      ['an empty token', post('/webhooks/kriptomat/')],
      ['a wrong token of the same length', post(`/webhooks/kriptomat/${wrongSameLength}`)],
      ['the token less its last character', post(`/webhooks/kriptomat/${token.slice(0, -1)}`)],
      ['the token and one character more', post(`/webhooks/kriptomat/${token}x`)],
      ['the token in upper case', post(`/webhooks/kriptomat/${token.toUpperCase()}`)],
      ['the API token', post(`/webhooks/kriptomat/${engine.apiToken}`)],
      ['the SumSub secret', post(`/webhooks/kriptomat/${engine.webhookSecret}`)],
    ];
    for (const [label, request] of wrong) {
      const probe: Probe = {
        label: `Kriptomat webhook: ${label}`,
        request,
        want: [404],
        names: 'no such route',
      };
      const answer = await send('webhook', probe);
      expectRefusal(probe, answer);
      // Status, headers and body: nothing tells a wrong token from a route that does not exist.
      expect({ label, ...withoutDate(answer) }).toEqual({ label, ...unknownRoute });
    }
    const signalsOf = async () => {
      const history = await engine.client.workflow.getHandle(kycWorkflowId(userId)).fetchHistory();
      return (history.events ?? []).flatMap(
        (e) => e.workflowExecutionSignaledEventAttributes?.signalName ?? [],
      );
    };
    expect(await signalsOf()).toEqual([]);

    // The same body at the right token does wake the case: the refusals above were the token's alone.
    const right = await send('webhook', {
      label: 'Kriptomat webhook: the right token',
      request: post(KRIPTOMAT_HOOK),
      want: [202],
    });
    expect({ status: right.status, body: JSON.parse(right.text) as unknown }).toEqual({
      status: 202,
      body: { result: 'recheck_requested', type: 'applicantReviewed', userId },
    });
    // A signal that arrives during a workflow task reaches the history when that task completes; exactly one
    // there also means none of the refused deliveries was signalled late.
    const signalled = await eventually(async () => {
      const names = await signalsOf();
      return names.length > 0 ? names : undefined;
    });
    expect(signalled).toEqual(['recheck']);

    // Neither the token nor anything like it reached a log line; requests are logged by route pattern.
    const logs = engine.logs();
    for (const near of [token.slice(0, -1), wrongSameLength, token.toUpperCase()])
      expect(logs).not.toContain(near);
    expect(logs).toContain('"route":"/webhooks/kriptomat/:token"');
    await engine.api('POST', `/v1/cases/${userId}/cancel`, { reason: 'test cleanup' });
  });
});

describe('after all of it', () => {
  it('the API still answers and still runs cases; it never answered 5xx nor logged an offending id', async () => {
    expect((await rawRequest(engine.apiUrl, { method: 'GET', path: '/healthz' })).status).toBe(200);
    const userId = `passed-alive-${run}`;
    expect((await engine.api('PUT', `/v1/cases/${userId}`)).status).toBe(202);
    await eventually(async () => {
      const { body } = await engine.api<KycCaseState>('GET', `/v1/cases/${userId}`);
      return body.outcome === 'approved' ? true : undefined;
    });

    expect(tried.length).toBeGreaterThan(200);
    expect(tried.filter((t) => t.status >= 500)).toEqual([]);
    const lines = engine
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => typeof line.status === 'number' && line.status >= 500)).toEqual([]);
    expect(lines.filter((line) => line.level === 50)).toEqual([]); // pino's error level
    const text = engine.logs();
    for (const offending of ['someone@example.com', 'Set-Cookie', '%00', 'etc/passwd', "OR '1'"]) {
      expect(text).not.toContain(offending);
    }
    // Kriptomat's path token, sent right and wrong all through this file, in no log line.
    expect(text).not.toContain(KRIPTOMAT_HOOK_TOKEN.slice(0, -1));
  });
});

function printCallerFigures(): void {
  const kinds = [...new Set(tried.map((t) => t.kind))];
  const rows = kinds.map((kind) => {
    const ofKind = tried.filter((t) => t.kind === kind);
    const answers = [...countBy(ofKind, (t) => String(t.status))]
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([status, n]) => `${status}×${n}`)
      .join(', ');
    return { kind, inputs: ofKind.length, answers, '5xx': ofKind.filter((t) => t.status >= 500).length };
  });
  printFigures(
    'Caller bad input: what was sent to the API, and what it answered',
    [formatTable('Inputs per kind', rows)],
    `${tried.length} inputs tried, ${tried.filter((t) => t.status >= 500).length} answered 5xx; ` +
      'the API answered /healthz and ran a new case to its outcome afterwards.',
  );
}
