import type { Context, MiddlewareHandler } from 'hono';
import type { SimulatorDeps, SimulatorEnv } from './context';
import { UNAUTHENTICATED } from './context';
import type { RequestFault } from '../shared/fault-injector';
import { corruptAnswer } from '../shared/corruptions';
import type { CorruptionKind } from '../shared/corruptions';

export type KriptomatEndpoint = 'login' | 'showUser' | 'importKyc';

/**
 * What every partner endpoint does around its own work: the injected latency and faults, the bearer-token
 * check (not for login, which is how a token is obtained), and one entry in the request log. The log holds
 * the endpoint name, path, user id and outcome: never a token, a body or a personal field.
 */
export function partnerCall(
  endpoint: KriptomatEndpoint,
  deps: SimulatorDeps,
): MiddlewareHandler<SimulatorEnv> {
  const needsToken = endpoint !== 'login';
  return async (c, next) => {
    const tokenAccepted = needsToken && deps.sessions.accepts(c.req.header('authorization'));
    const userId = c.req.param('userId') ?? null;
    const record = (status: number, fault: RequestFault | null, corruption?: CorruptionKind) =>
      deps.log.record({
        service: 'kriptomat',
        endpoint,
        method: c.req.method,
        path: c.req.path,
        userId,
        status,
        // For login, "authorised" means the credentials were accepted.
        authorized: needsToken ? tokenAccepted : status === 200,
        fault,
        ...(corruption && { corruption }),
      });

    await deps.timers.sleep(deps.faults.settings.latencyMs);
    const fault = deps.faults.drawRequestFault();
    if (fault !== null) return injectFault(c, fault, deps, record);
    if (needsToken && !tokenAccepted) {
      record(401, null);
      return c.json(UNAUTHENTICATED, 401);
    }
    await next();
    const rule = deps.faults.corruptionFor(endpoint, userId);
    if (!rule) return record(c.res.status, null);
    // The endpoint did its work (a corrupted import still imports); only its answer is rewritten.
    const answer = corruptAnswer(rule, c.res.status, await jsonOf(c.res));
    record(answer.status, null, rule.kind);
    c.res = new Response(answer.body, {
      status: answer.status,
      headers: { 'content-type': answer.contentType },
    });
  };
}

/** The JSON body of an answer the route built, or undefined when it has none. */
async function jsonOf(response: Response): Promise<unknown> {
  try {
    return await response.clone().json();
  } catch {
    return undefined;
  }
}

async function injectFault(
  c: Context<SimulatorEnv>,
  fault: RequestFault,
  deps: SimulatorDeps,
  record: (status: number, fault: RequestFault) => void,
): Promise<Response> {
  if (fault === 'error') {
    record(500, fault);
    return c.json({ status: false, message: 'Server Error' }, 500);
  }
  if (fault === 'rate_limit') {
    record(429, fault);
    const retryAfter = String(deps.faults.settings.retryAfterSeconds);
    return c.json({ status: false, message: 'Too Many Attempts.' }, 429, { 'Retry-After': retryAfter });
  }
  await deps.timers.sleep(deps.faults.settings.hangMs);
  // Status 0 in the log: the caller never gets an answer, the connection just drops.
  record(0, fault);
  // Injected requests (tests without a port) have no socket to drop.
  (c.env as SimulatorEnv['Bindings'] | undefined)?.incoming?.socket.destroy();
  return c.body(null, 504);
}
