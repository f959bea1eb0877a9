/**
 * The load balancer in front of the API replicas, as a production deployment has one: an HTTP proxy on one
 * loopback port that sends each request to the next API in turn, and to the other one when an API cannot be
 * reached (stopped, killed). So the partner's calls, SumSub's and Kriptomat's webhooks and the UI's codec
 * requests all use one URL and reach both replicas. Per request, not per connection: the simulators keep
 * their connections alive, which would pin every webhook to one replica. Request bodies are small JSON
 * (cases, webhooks, codec payloads), so each is read whole first and can be sent again to the other replica
 * when the first refuses the connection; a replica that fails after accepting is the caller's to retry, as
 * behind a real balancer.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Balancer {
  port: number;
  url: string;
  /** Requests answered by each target so far (port -> count): shows that both replicas serve. */
  counts(): Map<number, number>;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
/** Up to this, a body is buffered; the API refuses bigger ones anyway. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function startBalancer(listenPort: number, targets: number[]): Promise<Balancer> {
  let turn = 0;
  const counts = new Map<number, number>(targets.map((port) => [port, 0]));
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        response.writeHead(413).end();
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const first = turn++ % targets.length;
      const order = targets.map((_, i) => targets[(first + i) % targets.length] as number);
      forward(order, 0);

      function forward(ports: number[], index: number): void {
        const port = ports[index];
        if (port === undefined) {
          response.writeHead(502, { 'content-type': 'text/plain' }).end('no API replica is reachable\n');
          return;
        }
        const upstream = http.request(
          { host: HOST, port, method: request.method, path: request.url, headers: request.headers, agent },
          (answer) => {
            counts.set(port, (counts.get(port) ?? 0) + 1);
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
          },
        );
        upstream.on('error', (error: NodeJS.ErrnoException) => {
          // Not reached at all: the other replica gets the request. Anything later is the caller's to retry.
          if (!response.headersSent && ['ECONNREFUSED', 'ECONNRESET'].includes(error.code ?? '')) {
            forward(ports, index + 1);
          } else if (!response.headersSent) {
            response.writeHead(502).end();
          } else {
            response.destroy();
          }
        });
        upstream.end(body);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, HOST, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://${HOST}:${port}`,
    counts: () => new Map(counts),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}
