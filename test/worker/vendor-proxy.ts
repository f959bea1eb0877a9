import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy answers itself instead of forwarding. */
export interface ProxyReply {
  status: number;
  body: string;
}

/**
 * Decides about one request: a reply to answer instead of the vendor, or undefined to forward it. It may
 * take its time (a promise), which holds the request in flight.
 */
export type Interceptor = (
  req: http.IncomingMessage,
) => ProxyReply | undefined | Promise<ProxyReply | undefined>;

/**
 * Sits between the worker and a simulator: forwards every request unchanged, except those `intercept`
 * answers itself. It provokes what the simulators never do, such as an error body that echoes personal data.
 */
export async function startVendorProxy(target: string, intercept: Interceptor) {
  const server = http.createServer((req, res) => {
    void answer(req, res).catch(() => res.writeHead(502).end());
  });
  async function answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const own = await intercept(req);
    if (own) {
      res.writeHead(own.status, { 'content-type': 'application/json' }).end(own.body);
      return;
    }
    const headers = Object.entries(req.headers).flatMap(([name, value]) =>
      typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)
        ? [[name, value]]
        : [],
    );
    const upstream = await fetch(`${target}${req.url ?? '/'}`, {
      method: req.method,
      headers: Object.fromEntries(headers) as Record<string, string>,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    });
    const contentType = upstream.headers.get('content-type') ?? 'application/json';
    res
      .writeHead(upstream.status, { 'content-type': contentType })
      .end(Buffer.from(await upstream.arrayBuffer()));
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
