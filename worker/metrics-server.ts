import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KycMetrics } from '../observability/metrics-types';

export interface RunningMetricsServer {
  /** `http://host:port/metrics`, with the port actually bound. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` for Prometheus (the worker has no other HTTP surface). A failing render answers 500
 * with a short reason, never a stack, so a scrape error shows up as `up`-but-failing rather than a hang.
 */
export async function startMetricsServer(
  metrics: Pick<KycMetrics, 'render'>,
  { port, host }: { port: number; host: string },
): Promise<RunningMetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /metrics\n');
      return;
    }
    metrics.render().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : 'unknown error';
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${reason}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${shownHost}:${bound.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        // A scraper's keep-alive connection would otherwise hold the close (and the process) open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
