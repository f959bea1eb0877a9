import type { Hono } from 'hono';
import { z } from 'zod';
import type { SimulatorDeps, SimulatorEnv } from './context';
import { readJson } from './read-json';

const statusPatch = z.object({ kyc_status: z.string().min(1).optional(), edd_status: z.string().optional() });

/**
 * `/_sandbox` routes steer the simulator by hand and by test: no token, no faults, no request log entry
 * (they are not partner calls, and they must work while faults are being injected).
 */
export function addSandboxRoutes(app: Hono<SimulatorEnv>, deps: SimulatorDeps): void {
  app.put('/_sandbox/users/:userId', async (c) => {
    const patch = statusPatch.safeParse(await readJson(c));
    if (!patch.success) return c.json({ error: z.prettifyError(patch.error) }, 400);
    const userId = c.req.param('userId');
    const before = deps.users.get(userId)?.kyc_status;
    const user = deps.users.update(userId, patch.data);
    // A person deciding for Kriptomat is a decision too: the partner's webhook hears of it.
    if (user.kyc_status !== before) deps.webhook.decided(userId, user.kyc_status);
    return c.json(user);
  });

  /** Replaces the fault settings; fields left out go back to their defaults. */
  app.put('/_sandbox/faults', async (c) => {
    try {
      return c.json(deps.faults.replace(await readJson(c)));
    } catch (error) {
      if (error instanceof z.ZodError) return c.json({ error: z.prettifyError(error) }, 400);
      throw error;
    }
  });

  /** The corruption rules (`sandbox/shared/corruptions.ts`), replaced as a whole: `[]` clears them. */
  app.get('/_sandbox/corruptions', (c) => c.json(deps.faults.corruptions));
  app.put('/_sandbox/corruptions', async (c) => {
    try {
      return c.json(deps.faults.replaceCorruptions(await readJson(c)));
    } catch (error) {
      if (error instanceof z.ZodError) return c.json({ error: z.prettifyError(error) }, 400);
      throw error;
    }
  });

  /**
   * Counts for scripts and benchmarks: calls per endpoint, share tokens redeemed by an import that took, and
   * share tokens burnt by a refused one (`?userId=` for one user).
   */
  app.get('/_sandbox/requests', (c) => {
    const userId = c.req.query('userId');
    const counts = (map: Map<string, number>) => {
      const all = Object.fromEntries(map);
      return userId === undefined ? all : { [userId]: all[userId] ?? 0 };
    };
    return c.json({
      calls: deps.log.callsByEndpoint(userId),
      shareTokensRedeemed: counts(deps.log.shareTokensRedeemed),
      shareTokensBurnt: counts(deps.log.shareTokensBurnt),
    });
  });

  /** Forgets every session token issued at login, so the next partner call with one gets a 401. */
  app.delete('/_sandbox/sessions', (c) => {
    deps.sessions.revokeAll();
    return c.body(null, 204);
  });
}
