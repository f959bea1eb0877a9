/** The ports a cluster takes from its environment (`TEMPORAL_PORT=...`), and a fallback when one is taken. */
import { freeLoopbackPort } from '../worker/free-port';
import { isPortFree } from './ports';

export function portSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  const port = raw ? Number(raw) : fallback;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${raw} is not a port`);
  return port;
}

/** `port` when free, else `fallback` (0: any free port chosen by the listener), else a free one now. */
export async function preferred(port: number, fallback?: number): Promise<number> {
  if (await isPortFree(port)) return port;
  return fallback ?? freeLoopbackPort();
}
