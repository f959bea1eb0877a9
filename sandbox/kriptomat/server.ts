import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import type { FaultSettings, faultSettingsSchema } from '../shared/faults';
import type { RequestLog } from '../shared/request-log';
import { createKriptomatSimulator } from './app';
import type { KriptomatSimulatorOptions } from './app';
import type { SessionStore } from './sessions';
import type { SimulatedUserStore } from './user-store';

export interface RunningKriptomatSimulator {
  url: string;
  users: SimulatedUserStore;
  log: RequestLog;
  sessions: SessionStore;
  /** Replaces the fault settings (as `PUT /_sandbox/faults` does) and returns them in full. */
  setFaults(settings: z.input<typeof faultSettingsSchema>): FaultSettings;
  /** Stops listening, drops open connections and cancels every pending timer. */
  close(): Promise<void>;
}

/** Starts the Kriptomat simulator on `port` (0 picks a free one) on the loopback interface. */
export async function startKriptomatSimulator(
  options: KriptomatSimulatorOptions & { port?: number } = {},
): Promise<RunningKriptomatSimulator> {
  const simulator = createKriptomatSimulator(options);
  const server = await new Promise<Server>((resolve) => {
    const started = serve(
      { fetch: simulator.app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' },
      () => resolve(started as Server),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    users: simulator.users,
    log: simulator.log,
    sessions: simulator.sessions,
    setFaults: (settings) => simulator.faults.replace(settings),
    close: () => {
      simulator.stop();
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
