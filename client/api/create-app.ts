import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { createCodecApp } from '../codec-server';
import { bearerAuth } from './auth';
import { registerCaseActionRoutes } from './case-action-routes';
import { registerCaseRoutes } from './case-routes';
import type { ApiDeps } from './deps';
import { DEFAULT_API_TIMEOUTS } from './deps';
import { apiErrorHandler, validationHook } from './errors';
import { registerHealthRoutes } from './health-routes';
import { requestLog } from './request-log';
import { BEARER_SCHEME } from './responses';
import { temporalDeadline } from './temporal-deadline';
import { KRIPTOMAT_WEBHOOK_SCHEME, registerWebhookRoutes } from './webhook-routes';

/** Requests of `/v1` and the webhooks are small JSON; anything bigger is refused before it is read. */
const MAX_BODY_BYTES = 256 * 1024;

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
  app.use('/v1/*', bearerAuth({ secret: config.KYC_API_TOKEN, realm: 'kyc-api' }));
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
  registerWebhookRoutes(app, deps);
  registerHealthRoutes(app, { client, metrics, readinessMs: timeouts.readinessMs });
  app.route(
    '/codec',
    createCodecApp({
      codec: deps.codec,
      token: config.KYC_CODEC_TOKEN,
      corsOrigins: config.KYC_CODEC_CORS_ORIGINS,
      isLoopbackPeer: deps.isLoopbackPeer,
      logger,
    }),
  );

  app.openAPIRegistry.registerComponent('securitySchemes', BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'KYC_API_TOKEN',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', KRIPTOMAT_WEBHOOK_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'KRIPTOMAT_WEBHOOK_SECRET',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'kyc-orchestrator',
      version: '1',
      description:
        "Kriptomat KYC cases, one Temporal workflow per user (`kyc:{userId}`), for a partner's backend.",
    },
  });
  return app;
}
