import { collectDefaultMetrics, Registry } from 'prom-client';
import type { CaseCountClient } from '../../observability/metrics';
import { createMetrics } from '../../observability/metrics';
import { z } from 'zod';
import { blocks, code, table } from './markdown';

/** One metric as the page lists it. */
export interface MetricEntry {
  name: string;
  type: string;
  help: string;
  labelNames: readonly string[];
}

/** Visibility that is never asked: the case gauge is registered, and only a scrape would count. */
const NO_VISIBILITY: CaseCountClient = {
  workflow: { count: () => Promise.reject(new Error('not called')) },
};

/** What prom-client keeps on each metric object (its typings call `type` a number; it holds the name). */
const MetricShape = z.object({
  name: z.string(),
  type: z.string(),
  help: z.string(),
  labelNames: z.array(z.string()).default([]),
});

/** The metrics a registry holds, without collecting them (a collect may read Temporal). */
function entriesOf(registry: Registry): MetricEntry[] {
  return registry.getMetricsAsArray().map((metric) => MetricShape.parse(metric));
}

/** Names of prom-client's default Node.js metrics on this platform (they differ between platforms). */
function defaultMetricNames(): Set<string> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return new Set(registry.getMetricsAsArray().map((metric) => metric.name));
}

/**
 * The project's own metrics, each with the processes that export it. The worker builds its metrics without a
 * Temporal client (worker/main.ts) and the API with one (api/main.ts), which adds the case gauge.
 */
export function engineMetrics(): { entries: (MetricEntry & { exportedBy: string[] })[]; defaults: string[] } {
  const defaults = defaultMetricNames();
  const worker = new Registry();
  createMetrics({ registry: worker });
  const api = new Registry();
  createMetrics({ registry: api, client: NO_VISIBILITY });
  const inWorker = new Set(entriesOf(worker).map(({ name }) => name));
  const entries = entriesOf(api)
    .filter(({ name }) => !defaults.has(name))
    .map((entry) => ({ ...entry, exportedBy: [...(inWorker.has(entry.name) ? ['worker'] : []), 'API'] }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { entries, defaults: [...defaults] };
}

/** `docs/reference/metrics.md`: every metric of the engine's registry, deprecated aliases marked. */
export function renderMetrics(): string {
  const { entries, defaults } = engineMetrics();
  const families = [...new Set(defaults.map((name) => `${name.slice(0, name.indexOf('_'))}_*`))].sort();
  return blocks(
    '# Metrics',
    "The worker serves Prometheus text at `/metrics` on `KYC_METRICS_HOST`:`KYC_METRICS_PORT`; the API at `GET /metrics` on its own port. Besides the metrics below, both export prom-client's default Node.js metrics (" +
      families.map(code).join(', ') +
      "; the set depends on the platform), and the worker re-serves the Temporal SDK's own metrics (`temporal_*`).",
    "Both processes register the same metrics, the API also the case gauge; each counts what it does, so a metric of the other process's work (API requests and webhooks in the worker) stays at zero.",
    'A metric whose help starts with "Deprecated" is an alias with the same values as the metric it names, kept for one release so dashboards and alert rules written against it keep working.',
    table(
      ['metric', 'type', 'labels', 'exported by', 'help'],
      entries.map(({ name, type, help, labelNames, exportedBy }) => [
        help.startsWith('Deprecated') ? `${code(name)} (deprecated)` : code(name),
        type,
        labelNames.map(code).join(', '),
        exportedBy.join(', '),
        help,
      ]),
    ),
  );
}
