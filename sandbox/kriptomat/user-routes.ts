import type { Hono } from 'hono';
import type { SimulatorDeps, SimulatorEnv } from './context';
import { routeOf } from './paths';
import { partnerCall } from './partner-call';
import { shownUser } from './user-store';

/** `GET /api/v1/partners/users/{user_id}` (configurable): the documented `{status: true, data: {...}}`, or 404. */
export function addUserRoutes(app: Hono<SimulatorEnv>, deps: SimulatorDeps): void {
  app.get(routeOf(deps.paths.showUser), partnerCall('showUser', deps), (c) => {
    // Always set: the route has the parameter (its path is configurable, so the type cannot know).
    const userId = c.req.param('userId') ?? '';
    const user = deps.users.get(userId);
    if (!user) return c.json({ status: false, message: 'User not found.' }, 404);
    // A user who starts pending gets Kriptomat's decision some time after the partner first looks.
    deps.decisions.startFor(userId);
    return c.json({ status: true, data: shownUser(userId, user) });
  });
}
