import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { isLoopbackAddress } from '../../domain';

/** Decides whether the caller of a request is on this machine. */
export type PeerCheck = (c: Context) => boolean;

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
