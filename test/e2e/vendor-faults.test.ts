import type { SandboxEngine } from '../helpers/sandbox-engine';
import { startSandboxEngine } from '../helpers/sandbox-engine';

/**
 * Both vendors failing a share of calls (5xx, 429 with Retry-After) and SumSub duplicating webhooks: every
 * case still reaches the outcome its scenario dictates, and no user is imported twice. (The chaos suite pushes
 * this much further; this is the everyday check.)
 */
let engine: SandboxEngine;
beforeAll(async () => {
  engine = await startSandboxEngine('vendor-faults', {
    faults: { errorRate: 0.2, rateLimitRate: 0.1, retryAfterSeconds: 1, duplicateWebhookRate: 0.5, seed: 11 },
  });
});
afterAll(async () => engine?.stop());

const TIMINGS = { pollSchedule: ['1s'], reviewPollInterval: '2s' };

it('brings every case to its outcome through injected faults, importing each user once', async () => {
  const run = Date.now();
  const users = [
    ...['onboard', 'onboard', 'resubmit', 'onboard_declined', 'sumsub_rejected'].map(
      (s, i) => `${s}-${run}-${i}`,
    ),
    `pending-${run}`,
    `passed-${run}`,
  ];
  const expected: Record<string, string> = {
    onboard: 'approved',
    resubmit: 'approved',
    onboard_declined: 'rejected',
    sumsub_rejected: 'rejected',
    pending: 'approved',
    passed: 'approved',
  };

  const results = await Promise.all(
    users.map(async (userId) => (await engine.start(userId, TIMINGS)).result()),
  );

  expect(results.map((r) => [r.userId, r.outcome])).toEqual(
    users.map((userId) => [userId, expected[userId.slice(0, userId.indexOf('-'))]]),
  );
  for (const userId of users) {
    const onboarded = /^(onboard|resubmit)/.test(userId);
    expect([userId, engine.sandbox.log.importsOf(userId)]).toEqual([userId, onboarded ? 1 : 0]);
  }
  const faults = engine.sandbox.log.requests.filter((r) => r.fault !== null);
  expect(faults.length).toBeGreaterThan(0); // the faults really happened
  expect(engine.sandbox.log.webhooks.some((w) => w.duplicate)).toBe(true);
}, 90_000);
