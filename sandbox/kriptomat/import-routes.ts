import type { Hono } from 'hono';
import { z } from 'zod';
import type { SimulatorDeps, SimulatorEnv } from './context';
import { IMPORT_REFUSAL_ANSWERS } from './import-refusals';
import { routeOf } from './paths';
import { partnerCall } from './partner-call';
import { readJson } from './read-json';

const importBody = z.object({ token: z.string().min(1) });

/**
 * `POST v1/users/{user_id}/kyc-import` with `{token}`: redeems a SumSub share token through the ledger.
 * Checks run cheapest first, and a refused import (unknown user, already imported) leaves the token unused.
 * Whether Kriptomat allows a repeated import is undocumented: the simulator refuses it with a 409. A scenario
 * may refuse the first import after the token was redeemed (the token is then burnt, as a real refusal after
 * SumSub consumed it would leave it); a 401 refusal also ends the caller's login session.
 */
export function addImportRoutes(app: Hono<SimulatorEnv>, deps: SimulatorDeps): void {
  app.post(routeOf(deps.paths.importKyc), partnerCall('importKyc', deps), async (c) => {
    // Always set: the route has the parameter (its path is configurable, so the type cannot know).
    const userId = c.req.param('userId') ?? '';
    const body = importBody.safeParse(await readJson(c));
    if (!body.success) {
      return c.json({ status: false, message: 'The token field is required.', fields: ['token'] }, 422);
    }
    const user = deps.users.get(userId);
    if (!user) return c.json({ status: false, message: 'User not found.' }, 404);
    if (user.kyc_status !== 'not_started') {
      return c.json({ status: false, message: 'KYC already imported' }, 409);
    }
    const redemption = deps.ledger.redeem(body.data.token, { forClientId: deps.sumsubClientId, userId });
    if (!redemption.ok) {
      const { status, errorCode, errorName } = redemption;
      return c.json({ status: false, message: 'Share token refused.', errorCode, errorName }, status);
    }
    const refusal = deps.importRefusals.take(userId);
    if (refusal !== null) {
      deps.log.countBurnt(userId);
      if (refusal === 'unauthenticated') deps.sessions.revoke(c.req.header('authorization'));
      const { status, body: answer } = IMPORT_REFUSAL_ANSWERS[refusal];
      return c.json(answer, status);
    }
    deps.log.countRedeemed(userId);
    deps.users.update(userId, { kyc_status: 'pending' });
    deps.decisions.startFor(userId);
    return c.json({ status: true });
  });
}
