import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api';
import { codecFromConfig } from '../../codec';
import { loadApiConfig } from '../../config';
import { API_TOKEN, apiConfig, fakeSumsub } from '../api/api-harness';
import { TEST_CODEC_CONFIG, TEST_CODEC_ENV } from '../helpers/codec';
import { memoryLogger } from '../helpers/memory-logger';

/**
 * Row 9 of "hostile networks and hostile callers": a caller flooding the API. Case starts are limited per API
 * key (429 with `Retry-After`), `/openapi.json` is built once rather than on every request, `/readyz` says
 * ready or not and nothing more (never Temporal's address or an error text), and the OpenAPI document
 * declares the error answers and string limits a client and a scanner need. Temporal is unreachable here
 * (127.0.0.1:1): every request that gets past the limits answers 503 quickly.
 */
const TEMPORAL = '127.0.0.1:1';
const connection = Connection.lazy({ address: TEMPORAL });
afterAll(() => connection.close());

function appWith(limits: Record<string, number> = {}) {
  return createApp({
    client: new Client({ connection }),
    config: Object.assign(apiConfig('kyc'), limits),
    timings: {},
    sumsub: fakeSumsub(),
    codec: codecFromConfig(TEST_CODEC_CONFIG),
    logger: memoryLogger().logger,
    timeouts: { temporalMs: 200, readinessMs: 200 },
  });
}
type App = ReturnType<typeof appWith>;

async function call(app: App, method: string, path: string, token: string | null = API_TOKEN) {
  const response = await app.request(path, {
    method,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('case starts per API key', () => {
  it('answer 429 with Retry-After past the configured limit, and the refusal starts nothing', async () => {
    const app = appWith({ KYC_API_CASE_STARTS_PER_MINUTE: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(app, 'PUT', `/v1/cases/row09-user-${i}`)).status);
    expect(statuses).toEqual([503, 503, 503]); // past the limiter, into the handler (Temporal is down)

    const limited = await call(app, 'PUT', '/v1/cases/row09-user-3');
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(JSON.parse(limited.text)).toMatchObject({ error: 'rate_limited' });
    // Nothing of the caller's credential comes back.
    expect(`${limited.text}${JSON.stringify([...limited.headers])}`).not.toContain(API_TOKEN);
  });

  it('count per key: a wrong token is refused with 401 before it could use up the partner key', async () => {
    const app = appWith({ KYC_API_CASE_STARTS_PER_MINUTE: 2 });
    for (let i = 0; i < 5; i++) {
      expect((await call(app, 'PUT', `/v1/cases/row09-stranger-${i}`, `${API_TOKEN}-wrong`)).status).toBe(
        401,
      );
    }
    expect((await call(app, 'PUT', '/v1/cases/row09-partner-1')).status).toBe(503);
  });

  it('leave reads alone: the case stays readable once starts are limited', async () => {
    const app = appWith({ KYC_API_CASE_STARTS_PER_MINUTE: 1 });
    await call(app, 'PUT', '/v1/cases/row09-reader-1');
    expect((await call(app, 'PUT', '/v1/cases/row09-reader-2')).status).toBe(429);
    expect((await call(app, 'GET', '/v1/cases/row09-reader-1')).status).toBe(503);
  });

  it('have a limit by default, and one on every /v1 request besides', () => {
    const config = loadApiConfig({
      ...TEST_CODEC_ENV,
      KYC_API_TOKEN: API_TOKEN.padEnd(40, '-'),
      SUMSUB_APP_TOKEN: 'sbx:row09',
      SUMSUB_SECRET_KEY: 'row09',
      SUMSUB_WEBHOOK_SECRET: 'row09',
    }) as Record<string, unknown>;
    expect(config.KYC_API_CASE_STARTS_PER_MINUTE).toBeGreaterThanOrEqual(1);
    expect(config.KYC_API_CASE_STARTS_PER_MINUTE).toBeLessThanOrEqual(6000);
    expect(config.KYC_API_REQUESTS_PER_MINUTE).toBeGreaterThan(
      config.KYC_API_CASE_STARTS_PER_MINUTE as number,
    );
  });
});

describe('/openapi.json', () => {
  it('is built once, not on every request', async () => {
    const app = appWith();
    const build = jest.spyOn(app, 'getOpenAPI31Document');
    const first = await call(app, 'GET', '/openapi.json', null);
    const second = await call(app, 'GET', '/openapi.json', null);
    expect(first.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(build).not.toHaveBeenCalled();
  });
});

describe('/readyz', () => {
  it('says unavailable and nothing more: no Temporal address, no error text', async () => {
    const answer = await call(appWith(), 'GET', '/readyz', null);
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.text)).toEqual({ status: 'unavailable' });
    expect(answer.text).not.toContain(TEMPORAL);
  });
});

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, StringSchema> }> };
}
interface Operation {
  security?: unknown[];
  parameters?: { name: string; schema: StringSchema }[];
  responses: Record<string, { headers?: Record<string, unknown> }>;
}
interface StringSchema {
  type?: string;
  maxLength?: number;
  pattern?: string;
}

describe('the OpenAPI document', () => {
  let doc: OpenApiDocument;
  beforeAll(async () => {
    doc = JSON.parse((await call(appWith(), 'GET', '/openapi.json', null)).text) as OpenApiDocument;
  });
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ name: `${method} ${path}`, operation })),
    );

  it('declares 400, 401, 413, 429 and 500 on every route that takes a credential', () => {
    const secured = operations().filter(({ operation }) => (operation.security ?? []).length > 0);
    expect(secured.length).toBeGreaterThan(7);
    const missing = secured.flatMap(({ name, operation }) =>
      ['400', '401', '413', '429', '500']
        .filter((status) => !operation.responses[status])
        .map((status) => `${name}: ${status}`),
    );
    expect(missing).toEqual([]);
  });

  it('declares Retry-After on the 429 of a case start', () => {
    expect(doc.paths['/v1/cases/{userId}']?.put?.responses['429']?.headers).toHaveProperty('Retry-After');
  });

  it('bounds the user id and the cancel reason', () => {
    const userId = doc.paths['/v1/cases/{userId}']?.put?.parameters?.find((p) => p.name === 'userId');
    expect(userId?.schema).toMatchObject({ maxLength: 128, pattern: expect.any(String) as string });
    const reason = doc.components.schemas.CancelRequest?.properties?.reason;
    expect(reason).toMatchObject({ maxLength: 500, pattern: expect.any(String) as string });
  });
});
