import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createKriptomatSimulatorApp } from './app';
import type { KriptomatSimulatorOptions, SimulatorRequest } from './app';
import { SimulatedUserStore } from './user-store';

export interface RunningKriptomatSimulator {
  url: string;
  users: SimulatedUserStore;
  requests: SimulatorRequest[];
  close(): Promise<void>;
}

/** Starts the Kriptomat simulator on `port` (0 picks a free one) on the loopback interface. */
export async function startKriptomatSimulator(
  options: Partial<KriptomatSimulatorOptions> & { accessToken: string; port?: number },
): Promise<RunningKriptomatSimulator> {
  const users = options.users ?? new SimulatedUserStore();
  const requests = options.requests ?? [];
  const app = createKriptomatSimulatorApp({ ...options, users, requests });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    users,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
