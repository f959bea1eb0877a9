import { Hono } from 'hono';
import type { SimulatorContext, SimulatorEnv } from './resource-handler';
import { applicantRoutes } from './routes/applicants';
import { sandboxRoutes } from './routes/sandbox';
import { tokenRoutes } from './routes/tokens';
import { resourceHandler } from './resource-handler';
import { sumsubError } from './sumsub-error';

/**
 * The SumSub API as docs/vendor-apis.md documents it, over real HTTP: signed `/resources` calls for applicants,
 * reviews and tokens, plus unsigned `/_sandbox` routes to steer faults.
 */
export function createSumsubSimulatorApp(ctx: SimulatorContext): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>();
  applicantRoutes(app, ctx);
  tokenRoutes(app, ctx);
  sandboxRoutes(app, ctx);
  // Unknown resources still go through the signature check and the log, as at SumSub.
  app.all(
    '/resources/*',
    resourceHandler(ctx, {
      endpoint: 'unknown',
      userIdOf: () => null,
      handle: () => ({ status: 404, body: sumsubError(404, 'Not found') }),
    }),
  );
  app.notFound((c) => c.json(sumsubError(404, 'Not found'), 404));
  return app;
}
