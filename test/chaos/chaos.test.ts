import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RESULTS_DIR, resultStamp } from '../../bench/results-files';
import { EXPECTED_ENDS, SCENARIOS } from '../../chaos/expected-ends';
import { formatFigures } from '../../chaos/figures';
import { SMALL_CHAOS_RUN } from '../../chaos/options';
import type { ChaosReport } from '../../chaos/report';
import { runChaos } from '../../chaos/run-chaos';
import { listingOf } from '../bench/results-listing';
import { requiredTestEnv, TEST_ENV } from '../helpers/test-env';

/**
 * The smaller chaos run (`npm run chaos` is the full one): cases of every scenario while the real worker
 * process is SIGKILLed twice, the Temporal dev server is killed and restarted on its database file, and both
 * vendors fail calls (5xx, 429 with Retry-After, hangs past the client timeout) and lose or repeat webhooks.
 * The assertions are what a compliance lead would ask of it.
 */
let report: ChaosReport;
const progress: string[] = [];
/** The run writes its report here, never into docs/results. */
let resultsDir: string;
let resultsBefore: string[];

beforeAll(async () => {
  resultsBefore = await listingOf(RESULTS_DIR);
  resultsDir = await mkdtemp(path.join(os.tmpdir(), 'kyc-chaos-results-'));
  report = await runChaos(
    { ...SMALL_CHAOS_RUN, resultsDir },
    {
      temporalCli: requiredTestEnv(TEST_ENV.temporalCli),
      log: (line) => void progress.push(line),
    },
  );
  // The figures, for whoever reads the CI log; the progress lines only when something went wrong.
  process.stderr.write(`${report.passed ? '' : `${progress.join('\n')}\n`}${formatFigures(report)}\n`);
  // A hang guard, not a measurement: the run bounds its own waits and reports stuck cases.
}, 600_000);

afterAll(() => rm(resultsDir, { recursive: true, force: true }));

describe('a chaos run (worker SIGKILLs, a server crash, vendor faults)', () => {
  it('ends every case of every scenario where its scenario dictates, with none stuck', () => {
    expect(Object.keys(report.cases.byScenario).sort()).toEqual([...SCENARIOS].sort());
    for (const [scenario, row] of Object.entries(report.cases.byScenario)) {
      expect([scenario, row.ends]).toEqual([scenario, { [row.expected]: row.cases }]);
    }
    expect(report.wrong).toEqual([]);
    expect(report.stuck).toEqual([]);
    expect(report.startFailures).toEqual([]);
    expect(report.cases.total).toBe(SMALL_CHAOS_RUN.cases);
  });

  it('imports every onboarded user exactly once, and nobody else', () => {
    const onboarded = Object.entries(report.cases.byScenario)
      .filter(([scenario]) => EXPECTED_ENDS[scenario as keyof typeof EXPECTED_ENDS].imports === 1)
      .reduce((sum, [, row]) => sum + row.cases, 0);
    expect(onboarded).toBeGreaterThan(0);
    expect(report.imports).toEqual({ successful: onboarded, usersImportedTwice: 0 });
  });

  it('uses every share token at most once, and only for the user it was minted for', () => {
    const { shareTokens } = report;
    expect(shareTokens).toMatchObject({ redeemedTwice: 0, presentedTwice: 0, usedByAnotherUser: 0 });
    expect(shareTokens.redeemed).toBe(report.imports.successful);
  });

  it('delivers every partner notification the cases numbered, case.completed in each ended case’s outcome', () => {
    expect(report.notifications).toMatchObject({ lost: 0, completedMissing: 0, badSignatures: 0 });
    expect(report.notifications.received).toBeGreaterThan(0);
  });

  it('never retries a rate-limited call before its Retry-After', () => {
    const { retryAfter } = report;
    expect(retryAfter.retried).toBeGreaterThan(0);
    expect(retryAfter.violations).toBe(0);
    expect(retryAfter.smallestGapMs).toBeGreaterThanOrEqual(retryAfter.retryAfterMs);
  });

  it('really injected every kind of fault', () => {
    expect(report.faults.error).toBeGreaterThan(0);
    expect(report.faults.rate_limit).toBeGreaterThan(0);
    expect(report.faults.timeout).toBeGreaterThan(0);
    expect(report.faults.webhooks.dropped).toBeGreaterThan(0);
    expect(report.faults.webhooks.duplicated).toBeGreaterThan(0);
  });

  it('really killed the worker (a new process each time) and restarted the server, and recovered', () => {
    expect(report.chaos).toMatchObject({
      workerKills: SMALL_CHAOS_RUN.workerKills,
      workerProcesses: (SMALL_CHAOS_RUN.workerKills ?? 0) + 1,
      unexpectedWorkerExits: 0,
      serverRestarts: SMALL_CHAOS_RUN.serverRestarts,
    });
    expect(report.chaos.recoveries.filter((r) => r.recoveredMs === null)).toEqual([]);
  });

  it('reports the cost in extra calls, and passes every check', () => {
    expect(report.extraCalls.all?.cases).toBe(SMALL_CHAOS_RUN.cases);
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.passed).toBe(true);
  });

  it('writes its dated report to the folder it was given, and nothing into docs/results', async () => {
    const stamp = resultStamp(report.startedAt);
    expect((await readdir(resultsDir)).sort()).toEqual([
      `chaos-${stamp}.json`,
      `chaos-${stamp}.md`,
      'chaos-latest.md',
    ]);
    expect(JSON.parse(await readFile(path.join(resultsDir, `chaos-${stamp}.json`), 'utf8'))).toMatchObject({
      passed: report.passed,
      startedAt: report.startedAt,
    });
    expect(await readFile(path.join(resultsDir, `chaos-${stamp}.md`), 'utf8')).toMatch(
      /^# Chaos run, .*\n\n## Headline\n\n- PASSED: /,
    );
    expect(await listingOf(RESULTS_DIR)).toEqual(resultsBefore);
  });
});
