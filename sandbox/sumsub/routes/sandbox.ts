import type { Hono } from 'hono';
import { z } from 'zod';
import { faultSettingsSchema } from '../../shared/faults';
import type { SimulatorContext, SimulatorEnv } from '../resource-handler';

/**
 * `/_sandbox` routes steer the simulator itself: unsigned, never faulted and not logged (the log counts
 * partner calls only), not part of SumSub's API. Fault settings are replaced as a whole (unset values return
 * to their defaults).
 */
export function sandboxRoutes(app: Hono<SimulatorEnv>, ctx: SimulatorContext): void {
  app.get('/_sandbox/faults', (c) => c.json(ctx.faults.settings));

  app.put('/_sandbox/faults', async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as unknown;
    const settings = faultSettingsSchema.safeParse(body);
    if (!settings.success) return c.json({ error: z.prettifyError(settings.error) }, 400);
    return c.json(ctx.faults.replace(settings.data));
  });
}
