import { serve } from '@hono/node-server';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** How long requests in flight may take to finish once the server stops. */
const CLOSE_GRACE_MS = 5_000;

export interface RunningHttpServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  close(): Promise<void>;
}

/** A certificate chain and its key, PEM. */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/**
 * Serves a hono app on `host:port` (0 picks a free port), over HTTPS when `tls` is given, and resolves once
 * it listens.
 */
export async function serveApp(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  host: string,
  port: number,
  tls?: TlsFiles,
): Promise<RunningHttpServer> {
  const https = tls && { createServer: createHttpsServer, serverOptions: { cert: tls.cert, key: tls.key } };
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port, hostname: host, ...https }, () => resolve(started));
    started.once('error', reject);
  });
  const bound = server.address() as AddressInfo;
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `${tls ? 'https' : 'http'}://${shownHost}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive connections (a scraper, a browser) would hold the close open; requests in flight
        // get a few seconds to finish before their connections are cut too.
        if ('closeIdleConnections' in server) {
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
        }
      }),
  };
}
