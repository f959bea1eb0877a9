import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import type { FaultSettings, faultSettingsSchema } from '../shared/faults';
import type { CorruptionRule } from '../shared/corruptions';
import type { RequestLog } from '../shared/request-log';
import { createKriptomatSimulator } from './app';
import type { KriptomatSimulatorOptions } from './app';
import type { SessionStore } from './sessions';
import type { SimulatedUserStore } from './user-store';
import { localUrl, LOOPBACK } from '../shared/listen';

export interface RunningKriptomatSimulator {
  url: string;
  users: SimulatedUserStore;
  log: RequestLog;
  sessions: SessionStore;
  /** Replaces the fault settings (as `PUT /_sandbox/faults` does) and returns them in full. */
  setFaults(settings: z.input<typeof faultSettingsSchema>): FaultSettings;
  /** Replaces the corruption rules, as `PUT /_sandbox/corruptions` does (`[]` clears them). */
  setCorruptions(rules: CorruptionRule[]): CorruptionRule[];
  /** Stops listening, drops open connections and cancels every pending timer. */
  close(): Promise<void>;
}

/**
 * Starts the Kriptomat simulator on `port` (0 picks a free one) on `host`: loopback unless told otherwise (the
 * compose sandbox listens on every interface of its container).
 */
export async function startKriptomatSimulator(
  options: KriptomatSimulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningKriptomatSimulator> {
  const simulator = createKriptomatSimulator(options);
  const host = options.host ?? LOOPBACK;
  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve({ fetch: simulator.app.fetch, port: options.port ?? 0, hostname: host }, () =>
      resolve(started as Server),
    );
    // A taken port: fail the start instead of crashing on an unhandled 'error' event.
    started.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: localUrl(host, port),
    users: simulator.users,
    log: simulator.log,
    sessions: simulator.sessions,
    setFaults: (settings) => simulator.faults.replace(settings),
    setCorruptions: (rules) => simulator.faults.replaceCorruptions(rules),
    close: () => {
      simulator.stop();
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
