import http from 'node:http';
import net from 'node:net';

/** One answer as the wire carried it: status, headers and the body as text. */
export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface RawRequest {
  method: string;
  /** Sent as given (no normalisation, no encoding): `fetch` would tidy up what a test means to send. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Sends the body in chunks without a `content-length`, as a stream of unknown length arrives. */
  chunked?: boolean;
}

/**
 * Sends one request to `baseUrl` over a fresh connection and resolves with the answer, even when the server
 * answers before the body is fully sent (as a refusal of an oversized body does) and then closes.
 */
export function rawRequest(baseUrl: string, request: RawRequest): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      {
        host: hostname,
        port,
        method: request.method,
        path: request.path,
        agent: false,
        headers: {
          ...(body && !request.chunked && { 'content-length': String(body.length) }),
          ...request.headers,
        },
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    // Writing on after the server refused and closed fails; the answer already arrived then.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (body && request.chunked) void writeChunks(req, body);
    else req.end(body);
  });
}

async function writeChunks(req: http.ClientRequest, body: Buffer): Promise<void> {
  const size = 64 * 1024;
  for (let offset = 0; offset < body.length && !req.destroyed; offset += size) {
    if (!req.write(body.subarray(offset, offset + size))) {
      await new Promise<void>((resolve) => {
        const go = () => {
          req.off('drain', go);
          req.off('close', go);
          resolve();
        };
        req.on('drain', go);
        req.on('close', go);
      });
    }
  }
  if (!req.destroyed) req.end();
}

/** Bytes that are not HTTP at all, on a raw socket: the first line of whatever the server answers. */
export function rawBytes(baseUrl: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(bytes));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('close', () => resolve(received.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}
