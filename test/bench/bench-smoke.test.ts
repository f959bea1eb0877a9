import { DefaultLogger, Runtime } from '@temporalio/worker';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { renderReport, writeReport } from '../../bench/report';
import type { BenchReport } from '../../bench/report-schema';
import { BenchReportSchema } from '../../bench/report-schema';
import { RESULTS_DIR } from '../../bench/results-files';
import { prettierFormat } from '../../scripts/prettier-format';
import { MEASURES, runBench } from '../../bench/run-bench';
import { listingOf } from './results-listing';
import { SANDBOX_SCENARIOS } from '../../sandbox/scenarios';
import { requiredTestEnv, TEST_ENV } from '../helpers/test-env';

// The day-long measure runs a worker in this process: its SDK lines are noise here.
Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { forward: {}, filter: { core: 'ERROR', other: 'ERROR' } } },
});

/**
 * The bench's smoke run: every measure with a few cases, so the bench cannot rot unnoticed. It checks that
 * the report has every figure, well-formed and plausible; never a timing target (tests do not time things).
 */
describe('npm run bench, with a few cases', () => {
  const cases = 4;
  const watchUsers = 20;
  let report: BenchReport;
  let resultsBefore: string[];

  beforeAll(async () => {
    resultsBefore = await listingOf(RESULTS_DIR);
    report = await runBench({
      measures: [...MEASURES],
      sizes: [cases],
      throughputCases: cases,
      scaleCases: cases,
      latencyCases: 3,
      latencyRate: 5,
      curveSeconds: 1,
      server: 'dev-server',
      economyCases: 1,
      waitSeconds: 1,
      concurrency: 4,
      db: 'memory',
      sumsubQuota: 'open',
      logLevel: 'warn',
      workerSettings: {},
      temporalCli: requiredTestEnv(TEST_ENV.temporalCli),
      keepLogs: false,
      // Kriptomat polled a second after the import, not 30: the cases end within seconds.
      economyTimings: { KYC_READ_SCHEDULE: '1s' },
      watchUsers,
      // A day of the watch's schedule lasts a second: reads 1 and 2 s after the start, then 7 s apart, so a
      // 5 s sample sees two reads per watch, well clear of both ends of the window.
      watchSampleUsers: 3,
      watchDaySeconds: 1,
      watchSampleSeconds: 5,
      say: () => undefined,
    });
  }, 600_000);

  it('reports every figure, in the schema of the committed results', () => {
    expect(() => BenchReportSchema.parse(report)).not.toThrow();
    expect(report.throughput).not.toBeNull();
    expect(report.latency).not.toBeNull();
    expect(report.scale).not.toBeNull();
    expect(report.economy).not.toBeNull();
    expect(report.watch).toBeTruthy();
    expect(report.growth.map((row) => row.cases)).toEqual([cases]);
    expect(report.verdicts.map((verdict) => verdict.figure).join('\n')).toMatch(
      /throughput[\s\S]*RSS[\s\S]*CPU/,
    );
  });

  it('ran every throughput case to its end, on both sides, with the skeleton shaped like the engine', () => {
    const throughput = report.throughput!;
    expect(throughput.engine).toMatchObject({ cases, completedOk: cases });
    expect(throughput.skeleton).toMatchObject({ cases, completedOk: cases });
    expect(throughput.ratio).toBeGreaterThan(0);
    expect(throughput.callsPerCase['kriptomat.importKyc']).toBe(1);
    expect(throughput.callsPerCase['sumsub.createApplicant']).toBe(1);
    const { engine, skeleton } = throughput.shape;
    expect(skeleton).toEqual({
      activities: engine.activities,
      timers: engine.timers,
      signals: engine.signals,
    });
    expect(throughput.engine.cpuMsPerCase.worker).toBeGreaterThan(0);
  });

  it('measured each latency once per case, in order', () => {
    const latency = report.latency!;
    for (const figure of [latency.startToRunning, latency.webhookToImport]) {
      for (const side of [figure.engine, figure.skeleton]) {
        expect(side.count).toBe(3);
        expect(side.p50).toBeLessThanOrEqual(side.p99);
        expect(side.p99).toBeLessThanOrEqual(side.max);
      }
    }
  });

  it('measured the latency curve at four levels of the capacity the throughput measure found', () => {
    const curve = report.curve!;
    expect(report.server).toBe('dev-server');
    expect(curve.capacityPerSecond).toBe(report.throughput!.engine.casesPerSecond);
    expect(curve.levels.map((level) => level.percent)).toEqual([25, 50, 75, 100]);
    for (const level of curve.levels) {
      expect(level.startToRunning.count).toBe(level.cases);
      expect(level.webhookToImport.p50).toBeLessThanOrEqual(level.webhookToImport.p99);
      expect(Object.keys(level.cpuPercent)).toEqual(expect.arrayContaining(['server', 'worker', 'api']));
      expect(level.taskWaits.workflow.count).toBeGreaterThanOrEqual(level.cases);
      expect(level.pgActivity).toBeNull();
    }
    expect(curve.atCapacity.saturates).not.toBe('none');
  });

  it('held the scale cases waiting and sampled every process', () => {
    const scale = report.scale!;
    for (const side of [scale.engine, scale.skeleton]) {
      expect(side.cases).toBe(cases);
      expect(side.rssMiB.worker).toBeGreaterThan(0);
      expect(side.rssMiB.server).toBeGreaterThan(0);
      expect(Object.keys(side.cpuPercent)).toEqual(expect.arrayContaining(['server', 'worker']));
    }
    expect(scale.engine.rssMiB.api).toBeGreaterThan(0);
  });

  it("held the approved users watched, sampled every process, and counted the sample watches' reads", () => {
    const watch = report.watch!;
    expect(watch.users).toBe(watchUsers);
    expect(watch.rssMiB.worker).toBeGreaterThan(0);
    expect(watch.rssMiB.server).toBeGreaterThan(0);
    expect(watch.idle.rssMiB.worker).toBeGreaterThan(0);
    expect(Object.keys(watch.cpuPercent)).toEqual(expect.arrayContaining(['server', 'worker', 'api']));
    // The default schedule's first read is a day away.
    expect(watch.readsWhileWaiting).toBe(0);
    const { sample, model } = watch;
    expect(sample.users).toBe(3);
    expect(sample.scheduleMs).toEqual([1000, 1000, 7000]);
    expect(sample.readsPerUser).toBeGreaterThan(0);
    expect(sample.stateMismatches).toBe(0);
    // A timer never fires early and the jitter only stretches a gap.
    expect(sample.gapOverSchedule.min).toBeGreaterThanOrEqual(1);
    expect(model.firstTwoDays).toBe(2);
    expect(model.reads.meanJitter).toBeLessThanOrEqual(model.reads.noJitter);
    expect(model.readsPerDay.meanJitter).toBeGreaterThan(0.1);
    expect(model.readsPerDay.meanJitter).toBeLessThan(0.3);
  });

  it('counted the calls of every sandbox scenario and a day of pending', () => {
    const economy = report.economy!;
    expect(Object.keys(economy.scenarios).sort()).toEqual(Object.keys(SANDBOX_SCENARIOS).sort());
    for (const row of Object.values(economy.scenarios)) {
      expect(row.reached).toBe(row.cases);
      expect(row.kriptomat).toBeGreaterThanOrEqual(1);
      expect(row.historyEvents).toBeGreaterThan(0);
    }
    expect(economy.scenarios.onboard?.sumsub).toBeGreaterThanOrEqual(2);
    expect(economy.scenarios.passed?.sumsub).toBe(0);
    // A SumSub webhook is a hint the case answers with one review read, and no more while webhooks arrive.
    const onboard = economy.scenarios.onboard;
    expect(onboard?.sumsubWebhooks).toBeGreaterThanOrEqual(1);
    expect(onboard?.sumsubStatusReads).toBeLessThanOrEqual(onboard?.sumsubWebhooks ?? 0);
    const day = economy.dayOfReads;
    expect(day.reads).toBeGreaterThan(20);
    expect(day.reads).toBeLessThan(40);
  });

  it('writes the dated page, its JSON and the latest page to the folder it is given, Prettier-clean', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kyc-bench-smoke-'));
    try {
      const files = await writeReport(report, dir);
      const stamp = report.startedAt.slice(0, 19).replace(/:/g, '-');
      expect((await readdir(dir)).sort()).toEqual([
        `bench-${stamp}Z.json`,
        `bench-${stamp}Z.md`,
        'bench-latest.md',
      ]);
      expect(BenchReportSchema.parse(JSON.parse(await readFile(files.json, 'utf8')))).toEqual(report);
      const page = await readFile(files.markdown, 'utf8');
      expect(page).toMatch(/^# Bench, .*\n\n## Headline\n\n- throughput engine\/skeleton: /);
      for (const title of [
        'Machine',
        'Options',
        'Throughput',
        'Latency',
        'Scale',
        'Economy',
        'Watch',
        'Growth',
        'Targets',
      ])
        expect(page).toContain(`## ${title}`);
      const latest = await readFile(files.latest, 'utf8');
      expect(latest).toContain(`[bench-${stamp}Z.md](bench-${stamp}Z.md)`);
      expect(latest.endsWith(page)).toBe(true);
      for (const [file, parser] of [
        [files.markdown, 'markdown'],
        [files.latest, 'markdown'],
        [files.json, 'json'],
      ] as const) {
        const text = await readFile(file, 'utf8');
        expect(await prettierFormat(text, parser)).toBe(text);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints every table, then the headline figures', () => {
    const text = renderReport(report);
    for (const title of ['Throughput', 'Latency', 'Scale', 'Economy', 'Watch', 'Growth', 'Targets'])
      expect(text).toContain(title);
    expect(text).toMatch(
      /\n\nHeadline\n {2}throughput engine\/skeleton: [\s\S]*Kriptomat reads per day of pending: \d+/,
    );
  });

  it('left the committed results in docs/results as they were', async () => {
    expect(await listingOf(RESULTS_DIR)).toEqual(resultsBefore);
  });
});
