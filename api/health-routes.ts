import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Logger } from '../observability/logger';
import type { KycMetrics } from '../observability/metrics-types';
import { ErrorSchema } from './schemas';
import { INTERNAL, json } from './responses';
import { withTimeout } from './temporal-deadline';

const HealthSchema = z.object({ status: z.literal('ok') }).openapi('Health');
const UnreadySchema = z.object({ status: z.literal('unavailable') }).openapi('Unready');

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness: the process answers',
  responses: { 200: json(HealthSchema, 'Alive') },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness: Temporal answers',
  responses: {
    200: json(HealthSchema, 'Temporal answered'),
    503: json(UnreadySchema, 'Temporal did not answer in time'),
  },
});

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  summary: 'Prometheus metrics (no bearer token: the scraper reads it)',
  responses: {
    200: { description: 'Prometheus text exposition', content: { 'text/plain': { schema: z.string() } } },
    404: json(ErrorSchema, 'This process keeps no metrics'),
    500: INTERNAL,
  },
});

export interface HealthRouteDeps {
  client: Client;
  metrics?: KycMetrics;
  logger: Logger;
  readinessMs: number;
}

/** `/healthz` (always ok), `/readyz` (Temporal answers within the deadline) and `/metrics`. */
export function registerHealthRoutes(
  app: OpenAPIHono,
  { client, metrics, logger, readinessMs }: HealthRouteDeps,
): void {
  app.openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200));

  app.openapi(readyz, async (c) => {
    try {
      await withTimeout(client, readinessMs, () => client.workflowService.getSystemInfo({}));
      return c.json({ status: 'ok' as const }, 200);
    } catch (error) {
      // Ready or not, nothing more: the reason (Temporal's address, an error text) is for the log only.
      const reason = error instanceof Error ? error.message : 'Temporal did not answer';
      logger.warn({ reason }, 'not ready: Temporal did not answer');
      return c.json({ status: 'unavailable' as const }, 503);
    }
  });

  app.openapi(metricsRoute, async (c) => {
    if (!metrics) return c.json({ error: 'not_found', message: 'metrics are not enabled' }, 404);
    const { contentType, body } = await metrics.render();
    return c.text(body, 200, { 'content-type': contentType });
  });
}
