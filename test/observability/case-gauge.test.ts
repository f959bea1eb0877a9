import { createMetrics } from '../../observability/metrics';
import type { SandboxEngine } from '../helpers/sandbox-engine';
import { startSandboxEngine } from '../helpers/sandbox-engine';
import { eventually } from '../helpers/temporal';

/** `kyc_cases` against a real dev server's visibility: the queries must be ones Temporal accepts and answers. */
let engine: SandboxEngine;
beforeAll(async () => {
  engine = await startSandboxEngine('case-gauge');
});
afterAll(async () => engine?.stop());

/** The value of `kyc_cases{phase="..."}` in a scrape. */
function casesIn(text: string, phase: string): number | undefined {
  const match = new RegExp(`^kyc_cases\\{phase="${phase}"\\} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

describe('kyc_cases on a real Temporal server', () => {
  it('shows open cases by their phase and ended ones by outcome', async () => {
    const waiting = await engine.start(`pending_forever-${Date.now()}`, { pollSchedule: ['1h'] });
    const approved = await engine.start(`passed-${Date.now()}`);
    await approved.result();
    const metrics = createMetrics({ client: engine.client, caseCountTtlMs: 0 });

    // Visibility is eventually consistent: the counts catch up within moments.
    const text = await eventually(async () => {
      const { body } = await metrics.render();
      return casesIn(body, 'awaiting_kriptomat') === 1 && casesIn(body, 'approved') === 1 ? body : undefined;
    });

    expect(casesIn(text, 'checking')).toBe(0);
    expect(text).toMatch(/^kyc_case_count_failures_total 0$/m);
    await waiting.terminate('test over');
  });
});
