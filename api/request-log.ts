import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { isValidUserId } from '../domain';
import type { Logger } from '../observability/logger';
import type { KycMetrics } from '../observability/metrics-types';

/** Probes and scrapes come every few seconds: their lines are debug, so they do not drown the rest. */
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The pattern of the endpoint a request matched (`/v1/cases/:userId`), never the raw path, so metrics
 * labels stay few and logs carry no ids beyond the one we log on purpose. Middleware-only matches (a CORS
 * preflight) report the middleware's pattern; nothing at all is `unmatched`.
 */
export function endpointPattern(c: Context): string {
  const routes = [...matchedRoutes(c)].reverse();
  const endpoint = routes.find((route) => route.method !== 'ALL');
  if (endpoint) return endpoint.path;
  const middleware = routes.find((route) => route.path !== '*' && route.path !== '/*');
  return middleware?.path ?? 'unmatched';
}

/** The user id of the request's path when it is a valid one: an invalid "id" may be anything, even an email. */
function userIdOf(c: Context): string | undefined {
  try {
    const userId = c.req.param('userId');
    return userId && isValidUserId(userId) ? userId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One log line and one metrics observation per request: method, route pattern, status, milliseconds and the
 * user id when the path names one. Never headers or bodies.
 */
export function requestLog(logger: Logger, metrics: KycMetrics | undefined): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    const route = endpointPattern(c);
    const { method } = c.req;
    const { status } = c.res;
    metrics?.observeApiRequest({ route, method, status, durationMs });
    const userId = userIdOf(c);
    const line = { method, route, status, ms: durationMs, ...(userId && { userId }) };
    if (QUIET_ROUTES.has(route)) logger.debug(line, 'request');
    else logger.info(line, 'request');
  };
}
