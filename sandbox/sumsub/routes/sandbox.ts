import type { Hono } from 'hono';
import { z } from 'zod';
import { corruptionRulesSchema } from '../../shared/corruptions';
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

  /** The corruption rules (`sandbox/shared/corruptions.ts`), replaced as a whole: `[]` clears them. */
  app.get('/_sandbox/corruptions', (c) => c.json(ctx.faults.corruptions));
  app.put('/_sandbox/corruptions', async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as unknown;
    const rules = corruptionRulesSchema.safeParse(body);
    if (!rules.success) return c.json({ error: z.prettifyError(rules.error) }, 400);
    return c.json(ctx.faults.replaceCorruptions(rules.data));
  });
}
