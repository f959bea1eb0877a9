import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { apiFields } from '../config/fields';
import { createCodecApp } from './codec-server';
import { registerAuditRoutes } from './audit-routes';
import { bearerAuth } from './auth';
import { registerCaseActionRoutes } from './case-action-routes';
import { registerCaseRoutes } from './case-routes';
import type { ApiDeps } from './deps';
import { DEFAULT_API_TIMEOUTS } from './deps';
import { apiErrorHandler, validationHook } from './errors';
import { registerHealthRoutes } from './health-routes';
import { callerLimit } from './rate-limit';
import { requestLog } from './request-log';
import { BEARER_SCHEME } from './responses';
import { temporalDeadline } from './temporal-deadline';
import { registerPartnerNotifications } from './partner-notification-docs';
import { registerWebhookRoutes } from './webhook-routes';

/** Requests of `/v1` and the webhooks are small JSON; anything bigger is refused before it is read. */
const MAX_BODY_BYTES = 256 * 1024;

/** The configuration's defaults, for an app built from a partial configuration (tests). */
const DEFAULT_CASE_STARTS_PER_MINUTE = apiFields.KYC_API_CASE_STARTS_PER_MINUTE.parse(undefined);
const DEFAULT_REQUESTS_PER_MINUTE = apiFields.KYC_API_REQUESTS_PER_MINUTE.parse(undefined);

/**
 * The HTTP API as an app without a port (serve it with `@hono/node-server`, test it with `app.request`):
 * the case routes under `/v1` (bearer `KYC_API_TOKEN`), both webhooks, the codec server at `/codec`,
 * health, metrics and `/openapi.json`, generated from the same zod schemas that validate the requests.
 */
export function createApp(deps: ApiDeps): OpenAPIHono {
  const { client, config, logger, metrics } = deps;
  const timeouts = { ...DEFAULT_API_TIMEOUTS, ...deps.timeouts };
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.onError(apiErrorHandler(logger));
  app.notFound((c) => c.json({ error: 'not_found', message: 'no such route' }, 404));

  app.use('*', requestLog(logger, metrics));
  app.use(
    '/v1/*',
    bearerAuth({ secret: config.KYC_API_TOKEN, keys: config.KYC_API_KEYS ?? [], realm: 'kyc-api' }),
  );
  // After the bearer check: only a valid key has a budget, so a stranger cannot use up the partner's.
  const requestsPerMinute = config.KYC_API_REQUESTS_PER_MINUTE ?? DEFAULT_REQUESTS_PER_MINUTE;
  app.use('/v1/*', callerLimit({ perMinute: requestsPerMinute, what: 'requests' }));
  const startLimit: MiddlewareHandler = callerLimit({
    perMinute: config.KYC_API_CASE_STARTS_PER_MINUTE ?? DEFAULT_CASE_STARTS_PER_MINUTE,
    what: 'case starts',
  });
  const limitStarts: MiddlewareHandler = (c, next) => (c.req.method === 'PUT' ? startLimit(c, next) : next());
  app.use('/v1/cases/:userId', limitStarts);
  app.use('/v1/*', bodyLimit({ maxSize: MAX_BODY_BYTES }));
  app.use('/webhooks/*', bodyLimit({ maxSize: MAX_BODY_BYTES }));
  const isRecheck = (path: string) => path.endsWith('/recheck');
  app.use(
    '/v1/*',
    temporalDeadline(client, (c) => (isRecheck(c.req.path) ? timeouts.recheckMs : timeouts.temporalMs)),
  );
  app.use(
    '/webhooks/*',
    temporalDeadline(client, () => timeouts.webhookMs),
  );

  registerCaseRoutes(app, deps);
  registerCaseActionRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerWebhookRoutes(app, deps);
  registerHealthRoutes(app, { client, metrics, logger, readinessMs: timeouts.readinessMs });
  const proxyHeader = config.KYC_CODEC_PROXY_HEADER;
  const proxySecret = config.KYC_CODEC_PROXY_SECRET;
  app.route(
    '/codec',
    createCodecApp({
      codec: deps.codec,
      token: config.KYC_CODEC_TOKEN,
      proxy: proxyHeader && proxySecret ? { header: proxyHeader, secret: proxySecret } : undefined,
      corsOrigins: config.KYC_CODEC_CORS_ORIGINS,
      allowedHosts: config.KYC_CODEC_ALLOWED_HOSTS ?? [],
      trustLoopback: !config.KYC_API_BEHIND_TLS_PROXY,
      isLoopbackPeer: deps.isLoopbackPeer,
      requestsPerMinute,
      logger,
    }),
  );

  registerPartnerNotifications(app);
  app.openAPIRegistry.registerComponent('securitySchemes', BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'KYC_API_TOKEN',
  });
  // Built once, here, once every route is registered: generating it takes milliseconds of CPU, which a
  // caller could otherwise make the API spend on every request.
  const document = JSON.stringify(
    app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'kyc-orchestrator',
        version: '1',
        description:
          "Kriptomat KYC cases, one Temporal workflow per user (`kyc:{userId}`), for a partner's backend.",
      },
    }),
  );
  app.get('/openapi.json', (c) => c.body(document, 200, { 'content-type': 'application/json' }));
  return app;
}
