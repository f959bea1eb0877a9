import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { unknownKeyPayloadCount } from './unknown-key-alert';
import type { CaseCountClient } from './case-counts';
import { CaseCounts } from './case-counts';
import type { KycMetrics } from './metrics-types';
import { fetchSdkMetrics } from './sdk-metrics';

export type { CaseCountClient } from './case-counts';
export type { ApiRequestRecord, HttpCallObserver, HttpCallRecord, KycMetrics } from './metrics-types';

export interface MetricsOptions {
  /**
   * A Temporal client: `kyc_cases{phase}` then reports cases by phase and outcome from visibility. One
   * process per deployment should pass it (the API), or every replica would repeat the same queries.
   */
  client?: CaseCountClient;
  /** How long one count of the cases is reused (default 15 s). */
  caseCountTtlMs?: number;
  /** The Temporal SDK runtime's Prometheus endpoint (`http://127.0.0.1:<port>/metrics`), appended to `render()`. */
  sdkMetricsUrl?: string;
  /** How long `render()` waits for the SDK's metrics before skipping them (default 1 s). */
  sdkMetricsTimeoutMs?: number;
  /** The registry to fill instead of a new one: lets a caller list the metrics (the reference docs do). */
  registry?: Registry;
}

/** Outbound requests run from milliseconds to their 15 s timeout. */
const OUTBOUND_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];
const SECONDS_PER_MS = 1 / 1000;
const OUTBOUND: OutboundNames = {
  requests: 'kyc_outbound_requests_total',
  duration: 'kyc_outbound_request_duration_seconds',
};
const DEPRECATED_OUTBOUND: OutboundNames = {
  requests: 'kyc_partner_requests_total',
  duration: 'kyc_partner_request_duration_seconds',
};

/**
 * The process's metrics on a registry of its own (never prom-client's global one, so several can live in one
 * process or test): outbound requests, API requests, webhooks, cases by phase (with a client), the Node
 * process, and the Temporal SDK's series when its endpoint is given.
 */
export function createMetrics(options: MetricsOptions = {}): KycMetrics {
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  const outbound = [
    outboundMetrics(registers, OUTBOUND),
    // Deprecated aliases with the same values, so dashboards and alert rules written against the
    // `kyc_partner_*` names keep working for one release.
    outboundMetrics(registers, DEPRECATED_OUTBOUND, OUTBOUND),
  ];
  const apiRequests = new Counter({
    name: 'kyc_api_requests_total',
    help: 'Requests the HTTP API answered, by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers,
  });
  const apiDuration = new Histogram({
    name: 'kyc_api_request_duration_seconds',
    help: 'Time the HTTP API took to answer, by route pattern and method.',
    labelNames: ['route', 'method'] as const,
    registers,
  });
  const webhooks = new Counter({
    name: 'kyc_webhooks_total',
    help: 'Webhook deliveries received, by source and what became of them.',
    labelNames: ['source', 'result'] as const,
    registers,
  });
  const ignoredEvents = new Counter({
    name: 'kyc_webhook_ignored_events_total',
    help: 'Acknowledged webhook events that never move a case (SumSub KYT, AML, workflow, ...), by source and type.',
    labelNames: ['source', 'type'] as const,
    registers,
  });
  new Counter({
    name: 'kyc_codec_unknown_key_total',
    help: 'Payloads this process could not decode: encrypted under a key id it does not know (alert on any).',
    registers,
    // The codec counts for the whole process (it is built without metrics); read when scraped.
    collect() {
      this.reset();
      this.inc(unknownKeyPayloadCount());
    },
  });
  if (options.client) registerCaseGauge(registers, options.client, options.caseCountTtlMs);

  return {
    async render() {
      const [own, sdk] = await Promise.all([
        registry.metrics(),
        options.sdkMetricsUrl ? fetchSdkMetrics(options.sdkMetricsUrl, options.sdkMetricsTimeoutMs) : '',
      ]);
      return { contentType: registry.contentType, body: own + sdk };
    },
    observeHttpCall({ vendor, endpoint, status, durationMs }) {
      for (const { requests, duration } of outbound) {
        requests.inc({ vendor, endpoint, status: String(status) });
        duration.observe({ vendor, endpoint }, durationMs * SECONDS_PER_MS);
      }
    },
    observeApiRequest({ route, method, status, durationMs }) {
      apiRequests.inc({ route, method, status: String(status) });
      apiDuration.observe({ route, method }, durationMs * SECONDS_PER_MS);
    },
    observeWebhook(source, result) {
      webhooks.inc({ source, result });
    },
    observeIgnoredWebhookEvent(source, type) {
      ignoredEvents.inc({ source, type });
    },
  };
}

interface OutboundNames {
  requests: string;
  duration: string;
}

/**
 * The counter and histogram of outbound requests (to Kriptomat, SumSub and the partner's notification
 * endpoint, docs/glossary.md). The `vendor` label names the service called: `kriptomat`, `sumsub` or
 * `partner`; alert routes read it, so it keeps its name.
 */
function outboundMetrics(registers: Registry[], names: OutboundNames, aliasOf?: OutboundNames) {
  /** The help of a deprecated alias starts by naming the metric to use instead. */
  const deprecated = (current?: string) => (current ? `Deprecated: use ${current}. ` : '');
  return {
    requests: new Counter({
      name: names.requests,
      help: `${deprecated(aliasOf?.requests)}Outbound requests (Kriptomat, SumSub, the partner's notification endpoint), by endpoint and status (0: no answer).`,
      labelNames: ['vendor', 'endpoint', 'status'] as const,
      registers,
    }),
    duration: new Histogram({
      name: names.duration,
      help: `${deprecated(aliasOf?.duration)}Duration of outbound requests, failures included.`,
      labelNames: ['vendor', 'endpoint'] as const,
      buckets: OUTBOUND_BUCKETS,
      registers,
    }),
  };
}

/** `kyc_cases{phase}`, read from visibility when scraped (cached), with a counter of failed reads. */
function registerCaseGauge(registers: Registry[], client: CaseCountClient, ttlMs?: number): void {
  let failed = 0;
  const counts = new CaseCounts(client, { ttlMs, onFailure: () => failed++ });
  new Counter({
    name: 'kyc_case_count_failures_total',
    help: 'Failed counts of cases by phase; kyc_cases then keeps its previous values.',
    registers,
    // Collected concurrently with the gauge: waiting on the same refresh shows its failure in this scrape.
    async collect() {
      await counts.current();
      this.reset();
      this.inc(failed);
    },
  });
  new Gauge({
    name: 'kyc_cases',
    help: 'Cases by phase: open cases by their current phase, ended cases (still retained) by outcome.',
    labelNames: ['phase'] as const,
    registers,
    async collect() {
      const current = await counts.current();
      for (const [phase, count] of current ?? []) this.set({ phase }, count);
    },
  });
}
