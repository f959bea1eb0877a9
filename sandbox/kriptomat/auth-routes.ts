import { createHash, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import type { TOTP } from 'otpauth';
import { z } from 'zod';
import type { KriptomatLoginCredentials } from '../../activities/kriptomat/login';
import { kriptomatTotp } from '../../activities/kriptomat/totp';
import type { SimulatorDeps, SimulatorEnv } from './context';
import { partnerCall } from './partner-call';
import { readJson } from './read-json';

const loginBody = z.object({
  email: z.string().min(1),
  password: z.string().min(1),
  security_code: z.string().regex(/^\d{6}$/, 'six digits'),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  expires_in: z.number().int().positive().optional(),
});
type LoginBody = z.infer<typeof loginBody>;

/**
 * `POST /api/v1/partners/auth/login`: the partner's client credentials, account credentials and current TOTP
 * code buy a session token. Refusals say which kind of field was wrong, never what was sent. The requested
 * `expires_in` is accepted but the simulator's token TTL governs (its unit is undocumented).
 */
export function addAuthRoutes(app: Hono<SimulatorEnv>, deps: SimulatorDeps): void {
  // Built once, so a simulator configured with an unusable TOTP secret fails at start, not at the first login.
  const totp = deps.credentials && kriptomatTotp(deps.credentials.totpSecret);
  app.post(deps.paths.login, partnerCall('login', deps), async (c) => {
    const parsed = loginBody.safeParse(await readJson(c));
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(body)'))];
      return c.json({ status: false, message: 'The given data was invalid.', fields }, 422);
    }
    const refusal = loginRefusal(parsed.data, deps.credentials, totp);
    if (refusal) return c.json({ status: false, message: refusal }, 401);
    return c.json(deps.sessions.issue());
  });
}

function loginRefusal(
  body: LoginBody,
  account: KriptomatLoginCredentials | undefined,
  totp: TOTP | undefined,
): string | null {
  if (
    !account ||
    !totp ||
    !same(body.client_id, account.clientId) ||
    !same(body.client_secret, account.clientSecret)
  ) {
    return 'Invalid client credentials.';
  }
  if (!same(body.email, account.email) || !same(body.password, account.password)) {
    return 'Invalid email or password.';
  }
  return totpAccepted(body.security_code, totp) ? null : 'Invalid security code.';
}

/** The current code or the previous step's, so a code typed (or computed) just before a step ends still works. */
function totpAccepted(code: string, totp: TOTP): boolean {
  const delta = totp.validate({ token: code, window: 1 });
  return delta === 0 || delta === -1;
}

/** Constant-time comparison, as a real server would do for secrets. */
function same(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
