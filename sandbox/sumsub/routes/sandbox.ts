import type { Hono } from 'hono';
import { z } from 'zod';
import { corruptionRulesSchema } from '../../shared/corruptions';
import { faultSettingsSchema } from '../../shared/faults';
import type { SimulatorContext, SimulatorEnv } from '../resource-handler';
import { reviewResultSchema } from '../review';
import { sumsubError } from '../sumsub-error';

/** An event sent on demand: its type, and review fields to carry instead of the applicant's KYC review. */
const eventRequest = z.strictObject({
  type: z.string().min(1).max(100),
  reviewStatus: z.string().min(1).max(50).optional(),
  reviewResult: reviewResultSchema.optional(),
});

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

  /**
   * Sends any event type about a user's applicant now, signed and delivered like every webhook: with the
   * applicant's KYC review unless `reviewStatus` / `reviewResult` are given (which then replace it in the
   * body, as SumSub's KYT and AML events do). The applicant's review itself does not change.
   */
  app.post('/_sandbox/applicants/:userId/events', async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as unknown;
    const event = eventRequest.safeParse(body);
    if (!event.success) return c.json({ error: z.prettifyError(event.error) }, 400);
    const applicant = ctx.store.findByExternalUserId(c.req.param('userId'));
    if (!applicant) return c.json(sumsubError(404, 'Applicant not found'), 404);
    if (!ctx.webhooks.enabled) return c.json(sumsubError(409, 'No webhookUrl: events are not sent'), 409);
    const { type, reviewStatus, reviewResult } = event.data;
    const fields =
      reviewStatus === undefined && reviewResult === undefined
        ? undefined
        : {
            reviewStatus: reviewStatus ?? applicant.review.reviewStatus,
            ...(reviewResult && { reviewResult }),
          };
    ctx.webhooks.send(type, applicant, fields);
    return c.json({ type, applicantId: applicant.id }, 202);
  });
}
