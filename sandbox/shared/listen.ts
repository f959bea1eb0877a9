/** The simulators' default interface: loopback, so a test or `npm start` never exposes them to the network. */
export const LOOPBACK = '127.0.0.1';

/**
 * The URL a local caller uses for a server listening on `host`: a wildcard address (`0.0.0.0`, `::`, a
 * container's choice) is not something to connect to, so it is reached through loopback.
 */
export function localUrl(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return `http://${LOOPBACK}:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
