import { createHmac } from 'node:crypto';
import { freePort } from '../helpers/ports';
import type { ApiEnv, FakeMetrics } from './api-harness';
import {
  API_TOKEN,
  KRIPTOMAT_WEBHOOK_TOKEN,
  SUMSUB_WEBHOOK_SECRET,
  appWithoutTemporal,
  startApiEnv,
} from './api-harness';

/** Health, readiness, metrics and the OpenAPI document; and how the API answers when Temporal is gone. */
let api: ApiEnv;

beforeAll(async () => {
  api = await startApiEnv('api-health');
});
afterAll(async () => api?.stop());

/** The API in front of a Temporal address where nothing answers. */
async function unreachableApp(metrics?: FakeMetrics) {
  return appWithoutTemporal(
    { metrics, timeouts: { temporalMs: 500, recheckMs: 500, webhookMs: 500, readinessMs: 500 } },
    `127.0.0.1:${await freePort()}`,
  );
}

describe('health', () => {
  it('/healthz answers ok', async () => {
    const response = await api.call('GET', '/healthz', { token: null });
    expect(response).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('/readyz answers ok while Temporal answers', async () => {
    const response = await api.call('GET', '/readyz', { token: null });
    expect(response).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('/readyz answers 503 and nothing more when Temporal does not answer (the reason is logged), and /healthz stays ok', async () => {
    const { app, logs, close } = await unreachableApp();
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable' });
    // The probe's own deadline ended the wait, not the SDK's connection retries.
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ reason: expect.stringMatching(/DEADLINE_EXCEEDED/) as string }),
    );
    expect((await app.request('/healthz')).status).toBe(200);
    await close();
  });
});

describe('when Temporal cannot be reached', () => {
  it('answers 503 on /v1 and both webhooks, on time', async () => {
    const { app, logs, close } = await unreachableApp();
    const auth = { authorization: `Bearer ${API_TOKEN}` };
    const sumsubBody = JSON.stringify({
      type: 'applicantReviewed',
      applicantId: 'a-1',
      externalUserId: 'u-1',
      createdAtMs: '2026-01-01 10:00:00.000',
    });
    const requests: [string, RequestInit][] = [
      ['/v1/cases/u-1', { method: 'PUT', headers: auth }],
      ['/v1/cases/u-1', { method: 'GET', headers: auth }],
      ['/v1/cases/u-1/recheck', { method: 'POST', headers: auth }],
      [
        `/webhooks/kriptomat/${KRIPTOMAT_WEBHOOK_TOKEN}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'applicantReviewed', applicantId: 'km-1', externalUserId: 'u-1' }),
        },
      ],
      [
        '/webhooks/sumsub',
        {
          method: 'POST',
          headers: {
            'x-payload-digest': createHmac('sha256', SUMSUB_WEBHOOK_SECRET).update(sumsubBody).digest('hex'),
            'x-payload-digest-alg': 'HMAC_SHA256_HEX',
          },
          body: sumsubBody,
        },
      ],
    ];
    // Without the 500 ms deadlines each request would wait out the SDK's retries (about 20 s), past the test's limit.
    for (const [path, init] of requests) {
      const response = await app.request(path, init);
      // The Kriptomat path carries its token: the failure message names the route, not the path.
      const route = path.replace(KRIPTOMAT_WEBHOOK_TOKEN, ':token');
      expect({ route, status: response.status }).toEqual({ route, status: 503 });
    }
    expect(logs.text()).not.toContain('DO-NOT-LEAK');
    await close();
  }, 60_000);
});

describe('GET /metrics', () => {
  it('renders the metrics, without a bearer token', async () => {
    const response = await api.app.request('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    expect(await response.text()).toContain('kyc_api_requests_total');
  });

  it('counts requests by route pattern, never by the raw path', async () => {
    const userId = api.t.userOf('metered');
    await api.call('GET', `/v1/cases/${userId}`);
    expect(api.metrics.requests).toContainEqual(
      expect.objectContaining({ route: '/v1/cases/:userId', method: 'GET', status: 404 }),
    );
    expect(api.metrics.requests.some((request) => request.route.includes(userId))).toBe(false);
  });

  it('answers 404 in a process without metrics', async () => {
    const { app, close } = await unreachableApp();
    expect((await app.request('/metrics')).status).toBe(404);
    await close();
  });
});

describe('GET /openapi.json', () => {
  it('documents every route, with the bearer scheme on /v1 and none on the Kriptomat webhook', async () => {
    const { status, body } = await api.call('GET', '/openapi.json', { token: null });
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    const paths = body.paths as Record<string, Record<string, { security?: unknown[] }>>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/v1/cases/{userId}',
        '/v1/cases',
        '/v1/cases/{userId}/recheck',
        '/v1/cases/{userId}/cancel',
        '/v1/cases/{userId}/retry',
        '/v1/cases/{userId}/sumsub-access-token',
        '/webhooks/sumsub',
        '/webhooks/kriptomat/{token}',
        '/healthz',
        '/readyz',
        '/metrics',
        '/codec/encode',
        '/codec/decode',
      ]),
    );
    expect(Object.keys(paths['/v1/cases/{userId}']!)).toEqual(expect.arrayContaining(['get', 'put']));
    expect(paths['/v1/cases/{userId}']!.get!.security).toEqual([{ bearerAuth: [] }]);
    expect(body.components).toMatchObject({
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
    });
    // The Kriptomat webhook's credential is its path token: no bearer scheme of its own, and no old route.
    expect(Object.keys(paths)).not.toContain('/webhooks/kriptomat');
    expect(paths['/webhooks/kriptomat/{token}']!.post!.security).toBeUndefined();
    const schemes = (body.components as { securitySchemes: Record<string, unknown> }).securitySchemes;
    expect(schemes).not.toHaveProperty('kriptomatWebhookAuth');
  });
});
