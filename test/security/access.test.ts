import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Secret } from 'otpauth';
import { createApp } from '../../api';
import { serveApp } from '../../api/serve-app';
import { getCaseState, startOrJoinCase } from '../../client/kyc-cases';
import { AesGcmPayloadCodec, generateCodecKey, kycDataConverter, parseKeyring } from '../../codec';
import type { KycCaseState } from '../../domain';
import { kycWorkflowId } from '../../domain';
import type { RunningSandbox } from '../../sandbox/start-sandbox';
import { startSandbox } from '../../sandbox/start-sandbox';
import type { kycCase } from '../../workflows/kyc-case';
import { retrySignal } from '../../workflows/messages';
import { apiConfig, fakeSumsub } from '../api/api-harness';
import { kyc } from '../cli/cli-process';
import { untilState } from '../helpers/cases';
import { FAST_TIMINGS } from '../helpers/fake-case-env';
import { FakeVendors } from '../helpers/fake-vendors';
import { formatTable, printFigures } from '../helpers/figures';
import { historyAsText, payloadsOf } from '../helpers/history';
import { memoryLogger } from '../helpers/memory-logger';
import { freePort } from '../helpers/ports';
import { startWebhookReceiver } from '../helpers/sumsub';
import {
  eventually,
  runInBackground,
  startTestTemporal,
  testWorkflowSource,
  uniqueTaskQueue,
} from '../helpers/temporal';
import { z } from 'zod';
import type { RawAnswer, RawRequest } from './raw-http';
import { rawRequest } from './raw-http';
import type { ServiceProcess } from '../helpers/service-process';
import { spawnService } from '../helpers/service-process';

/**
 * Who may do what, against the API and the worker as their processes run (`api/main.ts`,
 * `worker/main.ts`, logging at debug) on a dev server and the simulators: `/v1` refuses callers without its
 * token, the codec endpoint refuses callers without its own (and, without one, callers off this machine),
 * no secret of the configuration ever appears in an answer or a log line of a whole run, and a key rotation
 * leaves history written under the old key readable by the client, the CLI and the codec endpoint.
 *
 * Already covered elsewhere and not repeated: the bearer check of every `/v1` route through the app
 * (test/api/api-cases.test.ts, "the bearer token"), the codec's token, its loopback rule with an
 * injected peer, CORS and rotation at the payload level (test/api/codec-server.test.ts), and the
 * Kriptomat webhook's path token through the app (test/api/kriptomat-webhooks.unit.test.ts).
 */
jest.setTimeout(5 * 60_000);

const secret = (prefix: string) => `${prefix}-${randomBytes(18).toString('base64url')}`;
/** Every secret of the configuration: none may ever show in an answer or a log line. */
const SECRETS = {
  KYC_API_TOKEN: secret('api-token'),
  KYC_CODEC_KEY: generateCodecKey('access-1'),
  KYC_CODEC_TOKEN: secret('codec-token'),
  SUMSUB_WEBHOOK_SECRET: secret('sumsub-hook'),
  /** The last segment of `POST /webhooks/kriptomat/<token>`: `secret()` is URL-safe and long enough. */
  KRIPTOMAT_WEBHOOK_TOKEN: secret('kriptomat-hook'),
  SUMSUB_APP_TOKEN: `sbx:${secret('app-token')}`,
  SUMSUB_SECRET_KEY: secret('sumsub-secret-key'),
  KRIPTOMAT_CLIENT_SECRET: secret('kriptomat-client-secret'),
  KRIPTOMAT_PASSWORD: secret('kriptomat-password'),
  KRIPTOMAT_TOTP_SECRET: new Secret({ size: 20 }).base32,
  PARTNER_WEBHOOK_SECRET: secret('partner-hook'),
};
const LOGIN = {
  clientId: 'access-test-client',
  clientSecret: SECRETS.KRIPTOMAT_CLIENT_SECRET,
  email: 'partner-access@sandbox.invalid',
  password: SECRETS.KRIPTOMAT_PASSWORD,
  totpSecret: SECRETS.KRIPTOMAT_TOTP_SECRET,
};

let env: TestWorkflowEnvironment;
let sandbox: RunningSandbox;
let partner: Awaited<ReturnType<typeof startWebhookReceiver>>;
let api: ServiceProcess;
let worker: ServiceProcess;
let apiUrl: string;
let client: Client;
const taskQueue = uniqueTaskQueue('access');
const run = Date.now();

/** Every answer the API gave in this file, as text (status line, headers, body). */
const answers: string[] = [];
const refusals: { who: string; route: string; credential: string; status: number }[] = [];

async function call(request: RawRequest): Promise<RawAnswer> {
  const answer = await rawRequest(apiUrl, request);
  answers.push(`${answer.status}\n${JSON.stringify(answer.headers)}\n${answer.text}`);
  return answer;
}
const asPartner = (method: string, path: string, body?: unknown) =>
  call({
    method,
    path,
    headers: {
      authorization: `Bearer ${SECRETS.KYC_API_TOKEN}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const stateOf = async (userId: string) =>
  JSON.parse((await asPartner('GET', `/v1/cases/${userId}`)).text) as KycCaseState;
const until = (userId: string, done: (state: KycCaseState) => boolean) =>
  eventually(async () => {
    const state = await stateOf(userId);
    return done(state) ? state : undefined;
  }, 90_000);

beforeAll(async () => {
  env = await startTestTemporal();
  client = new Client({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    dataConverter: kycDataConverter({ KYC_CODEC_KEY: SECRETS.KYC_CODEC_KEY, KYC_CODEC_PREVIOUS_KEYS: [] }),
  });
  const apiPort = await freePort();
  apiUrl = `http://127.0.0.1:${apiPort}`;
  partner = await startWebhookReceiver();
  sandbox = await startSandbox({
    webhookUrl: `${apiUrl}/webhooks/sumsub`,
    webhookSecret: SECRETS.SUMSUB_WEBHOOK_SECRET,
    reviewDelayMs: 300,
    decisionDelayMs: 1000,
    credentials: {
      kriptomatLogin: LOGIN,
      sumsubAppToken: SECRETS.SUMSUB_APP_TOKEN,
      sumsubSecretKey: SECRETS.SUMSUB_SECRET_KEY,
    },
  });
  const temporal = {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    KYC_CODEC_KEY: SECRETS.KYC_CODEC_KEY,
    LOG_LEVEL: 'debug',
  };
  api = spawnService('api/main.ts', {
    ...temporal,
    KYC_API_HOST: '127.0.0.1',
    KYC_API_PORT: String(apiPort),
    KYC_API_TOKEN: SECRETS.KYC_API_TOKEN,
    KYC_CODEC_TOKEN: SECRETS.KYC_CODEC_TOKEN,
    SUMSUB_WEBHOOK_SECRET: SECRETS.SUMSUB_WEBHOOK_SECRET,
    KRIPTOMAT_WEBHOOK_TOKEN: SECRETS.KRIPTOMAT_WEBHOOK_TOKEN,
    SUMSUB_BASE_URL: sandbox.sumsub.url,
    // The simulators listen on plain http on loopback: the outbound host allow-list must name it.
    KYC_ALLOW_INSECURE_HOSTS: '127.0.0.1',
    SUMSUB_APP_TOKEN: SECRETS.SUMSUB_APP_TOKEN,
    SUMSUB_SECRET_KEY: SECRETS.SUMSUB_SECRET_KEY,
    KYC_READ_SCHEDULE: '1s',
    KYC_REVIEW_READ_INTERVAL: '2s',
  });
  // The worker logs in to Kriptomat (password, TOTP, client secret) rather than using a static token.
  const { KRIPTOMAT_TOKEN: _static, ...vendors } = sandbox.workerEnv;
  worker = spawnService('worker/main.ts', {
    ...vendors,
    ...temporal,
    KRIPTOMAT_CLIENT_ID: LOGIN.clientId,
    KRIPTOMAT_CLIENT_SECRET: LOGIN.clientSecret,
    KRIPTOMAT_EMAIL: LOGIN.email,
    KRIPTOMAT_PASSWORD: LOGIN.password,
    KRIPTOMAT_TOTP_SECRET: LOGIN.totpSecret,
    PARTNER_WEBHOOK_URL: partner.url,
    PARTNER_WEBHOOK_SECRET: SECRETS.PARTNER_WEBHOOK_SECRET,
    KYC_METRICS_HOST: '127.0.0.1',
    KYC_METRICS_PORT: String(await freePort()),
  });
  await eventually(
    async () =>
      (await rawRequest(apiUrl, { method: 'GET', path: '/healthz' })).status === 200 ? true : undefined,
    90_000,
  );
  await eventually(() => worker.logs().find((line) => line.msg === 'worker polling'), 120_000);
});

afterAll(async () => {
  // A wrong Kriptomat path token is refused as an unknown route is: its 404 is the expected answer.
  const expected = (r: (typeof refusals)[number]) =>
    r.who === '/webhooks/kriptomat' ? r.status === 404 : r.status === 401 || r.status === 403;
  printFigures(
    'Who may do what: callers refused',
    [formatTable('Refusals per caller and credential', refusalRows())],
    `${refusals.length} refused calls, ${refusals.filter((r) => !expected(r)).length} ` +
      `answered otherwise; ${Object.keys(SECRETS).length} secrets searched for in ${answers.length} answers ` +
      `and ${(api?.logs().length ?? 0) + (worker?.logs().length ?? 0)} log lines.`,
  );
  await api?.stop();
  await worker?.stop();
  await partner?.close();
  await sandbox?.close();
  await env?.teardown();
});

function refusalRows() {
  const rows = new Map<string, { caller: string; credential: string; calls: number; answers: Set<number> }>();
  for (const { who, credential, status } of refusals) {
    const key = `${who}/${credential}`;
    const row = rows.get(key) ?? { caller: who, credential, calls: 0, answers: new Set<number>() };
    row.calls += 1;
    row.answers.add(status);
    rows.set(key, row);
  }
  return [...rows.values()].map((row) => ({ ...row, answers: [...row.answers].join(', ') }));
}

/** Every `/v1` route, with a valid request but for the credential. */
const V1_ROUTES: [string, string, unknown?][] = [
  ['GET', '/v1/cases'],
  ['PUT', `/v1/cases/passed-unauthorised-${run}`],
  ['GET', `/v1/cases/passed-unauthorised-${run}`],
  ['POST', `/v1/cases/passed-unauthorised-${run}/recheck`],
  ['POST', `/v1/cases/passed-unauthorised-${run}/cancel`, { reason: 'not allowed' }],
  ['POST', `/v1/cases/passed-unauthorised-${run}/retry`],
  ['POST', `/v1/cases/passed-unauthorised-${run}/sumsub-access-token`],
];

describe('/v1 without the API token', () => {
  const token = SECRETS.KYC_API_TOKEN;
  const wrongSameLength = token.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
  const CREDENTIALS: [string, Record<string, string>, string | null][] = [
    ['none', {}, null],
    ['an empty bearer', { authorization: 'Bearer ' }, null],
    ['a wrong token of the same length', { authorization: `Bearer ${wrongSameLength}` }, wrongSameLength],
    [
      'the token less its last character',
      { authorization: `Bearer ${token.slice(0, -1)}` },
      token.slice(0, -1),
    ],
    ['the token and one character more', { authorization: `Bearer ${token}x` }, `${token}x`],
    ['the token twice', { authorization: `Bearer ${token}${token}` }, `${token}${token}`],
    ['another secret of the engine', { authorization: `Bearer ${SECRETS.KYC_CODEC_TOKEN}` }, null],
    [
      'the token in Basic',
      { authorization: `Basic ${Buffer.from(`kyc:${token}`).toString('base64')}` },
      null,
    ],
    ['the token in another header', { 'x-api-key': token }, null],
    ['the token in a cookie', { cookie: `token=${token}` }, null],
  ];

  it.each(CREDENTIALS)(
    '%s: 401 on every route, nothing echoed, nothing done',
    async (credential, headers, sent) => {
      for (const [method, path, body] of V1_ROUTES) {
        const answer = await call({
          method,
          path,
          headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        refusals.push({ who: '/v1', route: `${method} ${path}`, credential, status: answer.status });
        expect({ route: `${method} ${path}`, status: answer.status, body: answer.text }).toEqual({
          route: `${method} ${path}`,
          status: 401,
          body: '{"error":"unauthorized"}',
        });
        expect(answer.headers['www-authenticate']).toBe('Bearer realm="kyc-api"');
        if (sent) expect(JSON.stringify(answer.headers)).not.toContain(sent);
      }
      // The refused PUT started nothing.
      expect((await asPartner('GET', `/v1/cases/passed-unauthorised-${run}`)).status).toBe(404);
    },
  );

  it('the token in the query string is not a credential either', async () => {
    const answer = await call({ method: 'GET', path: `/v1/cases?access_token=${encodeURIComponent(token)}` });
    refusals.push({
      who: '/v1',
      route: 'GET /v1/cases?access_token=',
      credential: 'query string',
      status: answer.status,
    });
    expect(answer.status).toBe(401);
  });
});

describe('the codec endpoint', () => {
  const decode = (authorization?: string) =>
    call({
      method: 'POST',
      path: '/codec/decode',
      headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
      body: '{"payloads":[]}',
    });

  it.each([
    ['none', undefined],
    ['a wrong token', `Bearer ${SECRETS.KYC_CODEC_TOKEN}x`],
    ['the API token', `Bearer ${SECRETS.KYC_API_TOKEN}`],
  ])(
    'with KYC_CODEC_TOKEN set, refuses %s with 401, even from this machine',
    async (credential, authorization) => {
      const answer = await decode(authorization);
      refusals.push({ who: '/codec', route: 'POST /codec/decode', credential, status: answer.status });
      expect({ status: answer.status, body: answer.text }).toEqual({
        status: 401,
        body: '{"error":"unauthorized"}',
      });
      expect((await decode(`Bearer ${SECRETS.KYC_CODEC_TOKEN}`)).status).toBe(200);
    },
  );

  /** This machine's first address that is not loopback: a real peer from "elsewhere" for the socket check. */
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((address) => address && !address.internal && address.family === 'IPv4')?.address;

  (external ? it : it.skip)(
    `without KYC_CODEC_TOKEN, refuses a peer off loopback (${external ?? 'no such address here'}) with 403`,
    async () => {
      const connection = Connection.lazy({ address: '127.0.0.1:1' });
      const app = createApp({
        client: new Client({ connection }),
        // The address is a served host name, so what refuses the call is the peer rule, not the host check.
        config: apiConfig('kyc', { KYC_CODEC_TOKEN: undefined, KYC_CODEC_ALLOWED_HOSTS: [external!] }),
        timings: {},
        sumsub: fakeSumsub(),
        codec: new AesGcmPayloadCodec(parseKeyring(SECRETS.KYC_CODEC_KEY)),
        logger: memoryLogger().logger,
      });
      const server = await serveApp(app, '0.0.0.0', 0);
      try {
        const port = new URL(server.url).port;
        const elsewhere = await rawRequest(`http://${external}:${port}`, {
          method: 'POST',
          path: '/codec/decode',
          headers: { 'content-type': 'application/json' },
          body: '{"payloads":[]}',
        });
        refusals.push({
          who: '/codec',
          route: 'POST /codec/decode',
          credential: 'none, off loopback',
          status: elsewhere.status,
        });
        expect(elsewhere.status).toBe(403);
        expect(elsewhere.text).toContain('only callers on this machine');
        const here = await rawRequest(`http://127.0.0.1:${port}`, {
          method: 'POST',
          path: '/codec/decode',
          headers: { 'content-type': 'application/json' },
          body: '{"payloads":[]}',
        });
        expect(here.status).toBe(200);
      } finally {
        await server.close();
        await connection.close();
      }
    },
  );
});

describe('the Kriptomat webhook without its path token', () => {
  const token = SECRETS.KRIPTOMAT_WEBHOOK_TOKEN;
  const wrongSameLength = token.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
  const body = JSON.stringify({ type: 'applicantReviewed', externalUserId: `passed-unauthorised-${run}` });
  const post = (path: string, headers: Record<string, string> = {}) =>
    call({ method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body });
  /** What a caller sees of an answer, but for its date. */
  const seen = ({ status, headers: { date: _date, ...headers }, text }: RawAnswer) => ({
    status,
    headers,
    text,
  });
  const WRONG: [string, string, Record<string, string>][] = [
    ['none (the former route)', '/webhooks/kriptomat', {}],
    [
      'the token as a bearer, on the former route',
      '/webhooks/kriptomat',
      { authorization: `Bearer ${token}` },
    ],
    ['a wrong token of the same length', `/webhooks/kriptomat/${wrongSameLength}`, {}],
    ['the token less its last character', `/webhooks/kriptomat/${token.slice(0, -1)}`, {}],
    ['the token and one character more', `/webhooks/kriptomat/${token}x`, {}],
    ['the API token', `/webhooks/kriptomat/${SECRETS.KYC_API_TOKEN}`, {}],
  ];

  it.each(WRONG)('%s: the very 404 of an unknown route, nothing done', async (credential, path, headers) => {
    const answer = await post(path, headers);
    refusals.push({
      who: '/webhooks/kriptomat',
      route: 'POST /webhooks/kriptomat/:token',
      credential,
      status: answer.status,
    });
    expect(seen(answer)).toEqual(seen(await post('/webhooks/no-such-hook', headers)));
    expect(answer.text).toBe('{"error":"not_found","message":"no such route"}');
  });

  it('the API process, logging at debug, wrote the route pattern of those calls, never the path', async () => {
    const wrongTokens = WRONG.filter(([, path]) => path !== '/webhooks/kriptomat').length;
    await eventually(
      () =>
        api.logs().filter((line) => line.msg === 'request' && line.route === '/webhooks/kriptomat/:token')
          .length >= wrongTokens
          ? true
          : undefined,
      10_000,
    );
    for (const near of [token.slice(0, -1), wrongSameLength]) expect(api.output()).not.toContain(near);
  });
});

describe('a whole run of the engine', () => {
  it('never shows a secret in an answer or a log line', async () => {
    // A user onboarded through SumSub: applicant, WebSDK token, signed webhooks, share, import, decision.
    const onboard = `onboard-access-${run}`;
    expect((await asPartner('PUT', `/v1/cases/${onboard}`)).status).toBe(202);
    await until(onboard, (state) => state.phase !== 'checking' && state.phase !== 'sumsub_applicant');
    expect((await asPartner('POST', `/v1/cases/${onboard}/sumsub-access-token`)).status).toBe(200);
    expect((await until(onboard, (state) => state.outcome !== null)).outcome).toBe('approved');
    expect((await asPartner('POST', `/v1/cases/${onboard}/recheck`)).status).toBe(409);

    // A body that breaks its contract, and a user Kriptomat does not know: parked, retried, cancelled.
    for (const userId of [`malformed-access-${run}`, `nobody-access-${run}`]) {
      await asPartner('PUT', `/v1/cases/${userId}`);
      await until(userId, (state) => state.phase === 'needs_attention');
      expect((await asPartner('POST', `/v1/cases/${userId}/retry`)).status).toBe(202);
      expect((await asPartner('POST', `/v1/cases/${userId}/cancel`, { reason: 'access test' })).status).toBe(
        202,
      );
      await until(userId, (state) => state.outcome === 'cancelled');
    }

    // Kriptomat's webhook, and a case looked at on request.
    const pending = `pending-access-${run}`;
    await asPartner('PUT', `/v1/cases/${pending}`);
    const hook = await call({
      method: 'POST',
      path: `/webhooks/kriptomat/${SECRETS.KRIPTOMAT_WEBHOOK_TOKEN}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'applicantReviewed',
        applicantId: 'km-0123456789abcdef',
        externalUserId: pending,
      }),
    });
    expect({ status: hook.status, text: hook.text }).toEqual({
      status: 202,
      text: expect.stringContaining('"result":"recheck_requested"') as string,
    });
    expect((await until(pending, (state) => state.outcome !== null)).outcome).toBe('approved');
    await asPartner('GET', '/v1/cases?limit=10');

    // The whole history through the codec endpoint, as an operator's UI reads it.
    const history = await client.workflow.getHandle(kycWorkflowId(onboard)).fetchHistory();
    const decoded = await call({
      method: 'POST',
      path: '/codec/decode',
      headers: { authorization: `Bearer ${SECRETS.KYC_CODEC_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: payloadsOf(history) }),
    });
    expect(decoded.status).toBe(200);
    expect(historyAsText(JSON.parse(decoded.text) as Parameters<typeof historyAsText>[0])).toContain(
      `"userId":"${onboard}"`,
    );
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json'])
      await call({ method: 'GET', path });

    // What was searched: every answer, both processes' whole output, and the partner's notifications.
    const sessionTokens = sandbox.kriptomat.sessions.issuedTokens();
    expect(sessionTokens.length).toBeGreaterThan(0); // the worker did log in
    const searched = {
      answers: answers.join('\n'),
      'API output': api.output(),
      'worker output': worker.output(),
      'partner notifications': partner.received
        .map((w) => `${JSON.stringify(w.headers)}\n${w.raw.toString()}`)
        .join('\n'),
    };
    expect(api.logs().some((line) => line.route === '/v1/cases/:userId' && line.status === 202)).toBe(true);
    expect(worker.logs().some((line) => line.msg === 'Activity failed')).toBe(true);
    expect(worker.logs().length).toBeGreaterThan(20);
    const values: [string, string][] = [
      ...Object.entries(SECRETS),
      ['KYC_CODEC_KEY (the key alone)', SECRETS.KYC_CODEC_KEY.split(':')[1] ?? ''],
      ...sessionTokens.map((token, i): [string, string] => [`Kriptomat session token ${i + 1}`, token]),
    ];
    const leaks = Object.entries(searched).flatMap(([where, text]) =>
      values.filter(([, value]) => text.includes(value)).map(([name]) => `${name} in ${where}`),
    );
    expect(leaks).toEqual([]);
  });
});

describe('a key rotation', () => {
  const OLD = generateCodecKey('rotation-old');
  const NEW = generateCodecKey('rotation-new');
  const codecOf = (current: string, previous: string[] = []) => ({
    KYC_CODEC_KEY: current,
    KYC_CODEC_PREVIOUS_KEYS: previous,
  });

  it('leaves history written under the old key readable by the client, the CLI and the codec endpoint', async () => {
    const queue = uniqueTaskQueue('rotation');
    const partners = new FakeVendors();
    const workerWith = (keys: ReturnType<typeof codecOf>) =>
      Worker.create({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue: queue,
        activities: partners.activities(),
        dataConverter: kycDataConverter(keys),
        ...testWorkflowSource(),
      });
    const clientWith = (keys: ReturnType<typeof codecOf>) =>
      new Client({
        connection: env.connection,
        namespace: env.namespace ?? 'default',
        dataConverter: kycDataConverter(keys),
      });

    // Before the rotation: one case finishes, another parks on a broken contract, all under the old key.
    const finished = `passed-rotation-${run}`;
    const parked = `passed-parked-${run}`;
    partners.user(finished, 'passed').user(parked, 'passed').fail('readKycStatus', parked, 'contract');
    const before = clientWith(codecOf(OLD));
    const stopOld = runInBackground(await workerWith(codecOf(OLD)));
    await (await startOrJoinCase(before, finished, { taskQueue: queue, timings: FAST_TIMINGS })).result();
    const parkedHandle = await startOrJoinCase(before, parked, { taskQueue: queue, timings: FAST_TIMINGS });
    await untilState(parkedHandle, (state) => state.phase === 'needs_attention');
    await stopOld();

    // The rotation: the new key current, the old one retired; the parked case resumes under the new key.
    const after = clientWith(codecOf(NEW, [OLD]));
    const stopNew = runInBackground(await workerWith(codecOf(NEW, [OLD])));
    try {
      partners.heal('readKycStatus', parked);
      const resumed = after.workflow.getHandle<typeof kycCase>(kycWorkflowId(parked));
      await resumed.signal(retrySignal);
      expect((await resumed.result()).outcome).toBe('approved');
    } finally {
      await stopNew();
    }

    // The client reads the case finished under the old key; without the retired key it could not.
    expect((await getCaseState(after, finished)).outcome).toBe('approved');
    await expect(getCaseState(clientWith(codecOf(NEW)), finished)).rejects.toThrow(/rotation-old/);

    // The CLI, given the same pair; and without the retired key, a refusal naming the missing key id.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kyc-rotation-'));
    try {
      const cliEnv = (keys: ReturnType<typeof codecOf>) => ({
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: env.namespace ?? 'default',
        TEMPORAL_TASK_QUEUE: queue,
        KYC_CODEC_KEY: keys.KYC_CODEC_KEY,
        ...(keys.KYC_CODEC_PREVIOUS_KEYS.length > 0 && {
          KYC_CODEC_PREVIOUS_KEYS: keys.KYC_CODEC_PREVIOUS_KEYS.join(','),
        }),
      });
      const status = await kyc(['status', finished, '--json'], cliEnv(codecOf(NEW, [OLD])), dir);
      expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(status.stdout)).toMatchObject({ userId: finished, outcome: 'approved' });
      const blind = await kyc(['status', finished, '--json'], cliEnv(codecOf(NEW)), dir);
      expect(blind.code).not.toBe(0);
      expect(blind.stderr).toContain('rotation-old');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    // The codec endpoint decodes both histories, payloads of both keys, failure messages included.
    const histories = await Promise.all(
      [finished, parked].map((userId) => after.workflow.getHandle(kycWorkflowId(userId)).fetchHistory()),
    );
    const payloads = histories.flatMap((history) => payloadsOf(history));
    const plain = (value: string | undefined) => Buffer.from(value ?? '', 'base64').toString();
    const clear = payloads.filter((p) => plain(p.metadata.encoding) !== 'binary/encrypted');
    // Only the search attributes stay in clear (Temporal indexes them): enum values, and the SDK's own
    // bookkeeping of patches and local activities (ids and times), nothing of the case.
    expect(
      clear
        .map((p) => plain(p.data))
        .filter((value) => !/^"[a-z_]+"$/.test(value) && !isSdkBookkeeping(value)),
    ).toEqual([]);
    const keyIds = new Set(
      payloads.filter((p) => !clear.includes(p)).map((p) => plain(p.metadata['encryption-key-id'])),
    );
    expect([...keyIds].sort()).toEqual(['rotation-new', 'rotation-old']);
    const raw = histories.map((history) => historyAsText(history)).join('\n');
    expect(raw).toContain('Encoded failure'); // failure messages are sealed like every payload...
    expect(raw).not.toContain('invalid option'); // ...so the contract error is not in clear text
    const codecApi = (keys: ReturnType<typeof codecOf>) =>
      createApp({
        client: after,
        config: apiConfig('kyc', { KYC_CODEC_TOKEN: SECRETS.KYC_CODEC_TOKEN }),
        timings: {},
        sumsub: fakeSumsub(),
        codec: new AesGcmPayloadCodec(parseKeyring(keys.KYC_CODEC_KEY, keys.KYC_CODEC_PREVIOUS_KEYS)),
        logger: memoryLogger().logger,
      });
    const decode = (keys: ReturnType<typeof codecOf>) =>
      codecApi(keys).request('/codec/decode', {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRETS.KYC_CODEC_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ payloads }),
      });
    const decoded = await decode(codecOf(NEW, [OLD]));
    expect(decoded.status).toBe(200);
    const text = historyAsText((await decoded.json()) as Parameters<typeof historyAsText>[0]);
    expect(text).toContain(`"userId":"${finished}"`);
    expect(text).toContain('data.kyc_status: invalid option'); // the parked case's failure, decrypted
    const refused = await decode(codecOf(NEW));
    expect({ status: refused.status, body: await refused.json() }).toMatchObject({
      status: 400,
      body: { error: 'undecodable_payload', message: expect.stringContaining('rotation-old') as string },
    });
  });
});

/**
 * What the SDK writes in clear beside the case's payloads: a patch marker (`{id, deprecated}`), the patch ids
 * in `TemporalChangeVersion`, and a local activity's marker (its sequence, attempt, type and times; the result
 * itself is a sealed payload). None of them carries a value of the case.
 */
const sdkBookkeeping = z.union([
  z.strictObject({ id: z.string(), deprecated: z.boolean() }),
  z.array(z.string().regex(/^[a-z0-9-]+$/)),
  z.object({ seq: z.number(), attempt: z.number(), activity_id: z.string(), activity_type: z.string() }),
]);

function isSdkBookkeeping(value: string): boolean {
  try {
    return sdkBookkeeping.safeParse(JSON.parse(value)).success;
  } catch {
    return false;
  }
}
