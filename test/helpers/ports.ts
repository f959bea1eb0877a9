import net from 'node:net';

/** Ports the OS hands out for port 0 on the loopback interface, all held at once so that they differ. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const result = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return result;
}

/** A loopback port nothing listens on right now: bound once, then released. */
export const freePort = async (): Promise<number> => (await freePorts(1))[0]!;
