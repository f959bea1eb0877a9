import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a scripted server answers: status, headers and a raw body, or `hang` to never answer. */
export type ScriptedReply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/**
 * A bare HTTP server on loopback that answers each request with the next scripted reply, to exercise how
 * clients handle vendor failures (5xx, 429, HTML pages, silence) that a well-behaved simulator never sends.
 */
export async function startScriptedServer(reply: (req: http.IncomingMessage) => ScriptedReply) {
  const server = http.createServer((req, res) => {
    const answer = reply(req);
    if (answer === 'hang') return;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body ?? '');
  });
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
