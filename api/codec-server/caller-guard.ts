import type { MiddlewareHandler } from 'hono';
import { isLoopbackHost, normalizeHost } from '../../domain';

export interface CallerGuardOptions {
  /** Host names (no port) served besides the loopback ones (`KYC_CODEC_ALLOWED_HOSTS`). */
  allowedHosts: readonly string[];
  /** Browser origins served (`KYC_CODEC_CORS_ORIGINS`): the Temporal UI's. */
  allowedOrigins: readonly string[];
}

/**
 * Refuses with 403, before any credential is looked at, a request that names a host the codec endpoint does not
 * serve, or that a browser sent from another origin.
 *
 * The host check defeats DNS rebinding: a page whose name is made to resolve to 127.0.0.1 reaches this port
 * as "loopback", but its requests still name its own host. The origin check is needed beside CORS because
 * CORS only keeps a foreign page from reading the answer: a simple POST (`text/plain`) is sent without a
 * preflight, and reaches the handler. Requests without an `Origin` (the CLI, curl, the UI's server) pass;
 * `Origin: null` (sandboxed frames, files) does not.
 */
export function callerGuard({ allowedHosts, allowedOrigins }: CallerGuardOptions): MiddlewareHandler {
  const hosts = new Set(allowedHosts.map(normalizeHost));
  const origins = new Set(allowedOrigins);
  return async (c, next) => {
    const host = new URL(c.req.url).hostname;
    if (!isLoopbackHost(host) && !hosts.has(normalizeHost(host))) {
      const message = 'this host name is not served (KYC_CODEC_ALLOWED_HOSTS)';
      return c.json({ error: 'forbidden', message }, 403);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !origins.has(origin)) {
      const message = 'this origin is not served (KYC_CODEC_CORS_ORIGINS)';
      return c.json({ error: 'forbidden', message }, 403);
    }
    return next();
  };
}
