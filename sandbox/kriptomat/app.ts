import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import { DEFAULT_KRIPTOMAT_PATHS } from '../../activities/kriptomat/client';
import type { KriptomatPaths } from '../../activities/kriptomat/client';
import type { SimulatedUserStore } from './user-store';

/** One request as the simulator saw it, for tests and benchmarks to count. Holds no token. */
export interface SimulatorRequest {
  method: string;
  path: string;
  userId: string | null;
  status: number;
  authorized: boolean;
  requestedWith: string | null;
}

export interface KriptomatSimulatorOptions {
  users: SimulatedUserStore;
  /** The bearer token partner calls must carry. */
  accessToken: string;
  paths?: Partial<KriptomatPaths>;
  requests?: SimulatorRequest[];
}

const statusPatch = z.object({ kyc_status: z.string().min(1).optional(), edd_status: z.string().optional() });

/** The Kriptomat partner API as documented, over real HTTP, plus `/_sandbox` routes to steer users. */
export function createKriptomatSimulatorApp(options: KriptomatSimulatorOptions): Hono {
  const paths = { ...DEFAULT_KRIPTOMAT_PATHS, ...options.paths };
  const requests = options.requests ?? [];
  const app = new Hono();

  app.get(routeOf(paths.showUser), (c) => {
    const userId = c.req.param('userId') ?? '';
    const authorized = c.req.header('authorization') === `Bearer ${options.accessToken}`;
    const respond = (status: 200 | 401 | 404, body: unknown) => {
      requests.push({
        method: 'GET',
        path: c.req.path,
        userId,
        status,
        authorized,
        requestedWith: c.req.header('x-requested-with') ?? null,
      });
      return c.json(body, status);
    };
    if (!authorized) return respond(401, { status: false, message: 'Unauthenticated.' });
    const user = options.users.get(userId);
    if (!user) return respond(404, { status: false, message: 'User not found.' });
    return respond(200, { status: true, data: user });
  });

  app.put('/_sandbox/users/:userId', async (c) => {
    const patch = statusPatch.safeParse(await readJson(c));
    if (!patch.success) return c.json({ error: z.prettifyError(patch.error) }, 400);
    return c.json(options.users.update(c.req.param('userId'), patch.data));
  });

  return app;
}

/** `/api/v1/partners/users/{userId}` → `/api/v1/partners/users/:userId` (Hono's route syntax). */
function routeOf(template: string): string {
  return template.replace('{userId}', ':userId');
}

async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return undefined;
  }
}
