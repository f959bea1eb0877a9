import type { BenchReport, Verdict } from './report-schema';

/** Each target of the issue, against the figures of a report. */
export const TARGETS = {
  /** Engine throughput over the skeleton's. */
  throughputRatio: 0.9,
  /** Worker resident memory with the scale measure's cases waiting, MiB. */
  workerRssMiB: 512,
  /** Worker CPU while every case waits and nothing is due, % of one core: "no measurable busy-waiting". */
  waitingWorkerCpuPercent: 1,
  /** Kriptomat reads during a day of `pending`. */
  dayOfReads: 30,
  /** SumSub's webhook → Kriptomat's import, p99 at 75 % of the measured capacity, ms. */
  webhookToImportP99At75: 250,
} as const;

/**
 * The scenarios that go through SumSub while its webhooks arrive: each webhook is a hint answered by one
 * review read, and no read beyond those should be needed.
 */
const WEBHOOK_SCENARIOS = ['onboard', 'onboard_declined', 'resubmit', 'sumsub_rejected'];

/** The targets checked against the report's figures (those it has). */
export function verdictsOf(report: Omit<BenchReport, 'verdicts'>): Verdict[] {
  const verdicts: Verdict[] = [];
  const { throughput, scale, economy, curve, watch } = report;
  if (throughput) {
    const value = throughput.ratio;
    verdicts.push({
      figure: `throughput engine/skeleton (${throughput.cases} cases)`,
      value,
      target: `>= ${TARGETS.throughputRatio}`,
      pass: value >= TARGETS.throughputRatio,
    });
  }
  const at75 = curve?.levels.find((level) => level.percent === 75);
  if (at75) {
    const value = at75.webhookToImport.p99;
    verdicts.push({
      figure: `webhook → import p99 at 75 % of capacity, ${at75.ratePerSecond}/s (ms)`,
      value,
      target: `< ${TARGETS.webhookToImportP99At75}`,
      pass: value < TARGETS.webhookToImportP99At75,
    });
  }
  if (scale) {
    const rss = scale.engine.rssMiB.worker ?? 0;
    verdicts.push({
      figure: `worker RSS, ${scale.cases} cases waiting (MiB)`,
      value: rss,
      target: `< ${TARGETS.workerRssMiB}`,
      pass: rss < TARGETS.workerRssMiB,
    });
    const cpu = scale.engine.cpuPercent.worker ?? 0;
    verdicts.push({
      figure: `worker CPU, ${scale.cases} cases waiting (% of a core)`,
      value: cpu,
      target: `<= ${TARGETS.waitingWorkerCpuPercent} (no busy-waiting)`,
      pass: cpu <= TARGETS.waitingWorkerCpuPercent,
    });
  }
  if (watch) {
    const rss = watch.rssMiB.worker ?? 0;
    verdicts.push({
      figure: `worker RSS, ${watch.users} approved users watched (MiB)`,
      value: rss,
      target: `< ${TARGETS.workerRssMiB}`,
      pass: rss < TARGETS.workerRssMiB,
    });
    const cpu = watch.cpuPercent.worker ?? 0;
    verdicts.push({
      figure: `worker CPU, ${watch.users} approved users watched (% of a core)`,
      value: cpu,
      target: `< ${TARGETS.waitingWorkerCpuPercent}`,
      pass: cpu < TARGETS.waitingWorkerCpuPercent,
    });
  }
  if (economy) {
    const { reads, method } = economy.dayOfReads;
    verdicts.push({
      figure: `Kriptomat reads in 24 h pending (${method})`,
      value: reads,
      target: `<= ${TARGETS.dayOfReads}`,
      pass: reads <= TARGETS.dayOfReads,
    });
    const extraReads = round2(
      WEBHOOK_SCENARIOS.reduce((sum, scenario) => {
        const figures = economy.scenarios[scenario];
        if (!figures) return sum;
        return sum + Math.max(0, figures.sumsubStatusReads - (figures.sumsubWebhooks ?? 0));
      }, 0),
    );
    verdicts.push({
      figure: 'SumSub status reads per case beyond one per webhook, while webhooks arrive',
      value: extraReads,
      target: '0 (only the 15 min fallback polls)',
      pass: extraReads === 0,
    });
  }
  return verdicts;
}

/** Per-case figures are rounded to hundredths; so is their sum, so float noise never fails a target. */
function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
