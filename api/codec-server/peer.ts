import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { isIP } from 'node:net';

/** Decides whether the caller of a request is on this machine. */
export type PeerCheck = (c: Context) => boolean;

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (`::ffff:127.0.0.1`). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address || !isIP(address)) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4.startsWith('127.') || address === '::1';
}

/**
 * The peer's address from the Node server's socket. A request whose peer cannot be determined (no socket,
 * as with `app.request()`, or another runtime) is not a loopback peer: the check fails closed.
 */
export const isLoopbackPeer: PeerCheck = (c) => {
  try {
    return isLoopbackAddress(getConnInfo(c).remote.address);
  } catch {
    return false;
  }
};
