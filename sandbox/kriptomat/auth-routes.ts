import type { Hono } from 'hono';
import { z } from 'zod';
import type { SimulatorDeps, SimulatorEnv } from './context';
import type { ClientIdForm } from './login-check';
import { partnerCall } from './partner-call';
import { readJson } from './read-json';

const CLIENT_ID_FORMS: Record<ClientIdForm, z.ZodType<string | number>> = {
  either: z.union([z.string().min(1), z.number().int().nonnegative()]),
  integer: z.number().int().nonnegative(),
  string: z.string().min(1),
};

function loginBody(clientIdForm: ClientIdForm) {
  return z.object({
    email: z.string().min(1),
    password: z.string().min(1),
    security_code: z.string().regex(/^\d{6}$/, 'six digits'),
    client_id: CLIENT_ID_FORMS[clientIdForm],
    client_secret: z.string().min(1),
    expires_in: z.number().int().positive().optional(),
  });
}

/**
 * `POST /api/v1/partners/auth/login`: the partner's client credentials, account credentials and current TOTP
 * code buy a session token. Refusals say which kind of field was wrong, never what was sent. The requested
 * `expires_in` is accepted but the simulator's token TTL governs (its unit is undocumented). The answer's
 * shape is not documented: top level (`{access_token, token_type, expires_in}`) or wrapped
 * (`{status: true, data: {..., expires_in: "3600"}}`, a numeric string), as `loginAnswer` says.
 */
export function addAuthRoutes(app: Hono<SimulatorEnv>, deps: SimulatorDeps): void {
  const body = loginBody(deps.loginClientId);
  app.post(deps.paths.login, partnerCall('login', deps), async (c) => {
    const parsed = body.safeParse(await readJson(c));
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(body)'))];
      return c.json({ status: false, message: 'The given data was invalid.', fields }, 422);
    }
    const { email, password, security_code, client_id, client_secret } = parsed.data;
    const refusal = deps.loginCheck.refusal(
      {
        email,
        password,
        securityCode: security_code,
        clientId: String(client_id),
        clientSecret: client_secret,
      },
      Date.now(),
    );
    if (refusal) return c.json({ status: false, message: refusal }, 401);
    const session = deps.sessions.issue();
    if (deps.loginAnswer === 'top_level') return c.json(session);
    return c.json({ status: true, data: { ...session, expires_in: String(session.expires_in) } });
  });
}
