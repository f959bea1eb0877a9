import net from 'node:net';

/** True when `host:port` can be listened on right now (nothing else holds it). */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(port, host, resolve);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return false;
    throw error;
  }
  await new Promise((resolve) => probe.close(resolve));
  return true;
}

/** Below Linux's default ephemeral range (32768-60999), above the well-known and registered crowd. */
const LOW = 20_000;
const HIGH = 32_767;

/**
 * A free loopback port for a listener that must come back on the same port after a kill (an API replica
 * behind the balancer). Not an ephemeral one: a port from that range can be taken, while its listener is
 * down, as the source port of any outgoing connection on the machine (the servers' and workers' own, by the
 * hundred), and the restart then fails with EADDRINUSE until that connection closes, which can take tens of
 * seconds.
 */
export async function stableLoopbackPort(taken: readonly number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (!taken.includes(port) && (await isPortFree(port))) return port;
  }
  throw new Error(`no free loopback port between ${LOW} and ${HIGH}`);
}
