/**
 * One outbound request (to Kriptomat, SumSub or the partner's notification endpoint), as the metrics count it.
 * `vendor` names the service called, the partner included (it is the metrics' label, docs/glossary.md).
 */
export interface HttpCallRecord {
  vendor: 'kriptomat' | 'sumsub' | 'partner';
  /** The endpoint without ids, e.g. `SumSub POST /resources/accessTokens` (a low-cardinality label). */
  endpoint: string;
  /** The HTTP status, or 0 when no response came (timeout, refused connection). */
  status: number;
  durationMs: number;
}

/** Told about every outbound request; a client without one observes nothing. */
export type HttpCallObserver = (call: HttpCallRecord) => void;

/** One request the HTTP API answered. `route` is the route's pattern (`/v1/cases/:userId`), never a user id. */
export interface ApiRequestRecord {
  route: string;
  method: string;
  status: number;
  durationMs: number;
}

/** What the processes report and how `/metrics` renders it (implemented in `observability/metrics.ts`). */
export interface KycMetrics {
  /** Prometheus text exposition of every metric of this process, the SDK's included when it runs a worker. */
  render(): Promise<{ contentType: string; body: string }>;
  observeHttpCall: HttpCallObserver;
  observeApiRequest(request: ApiRequestRecord): void;
  /** A webhook delivery and what became of it (`signalled`, `unknown_case`, `bad_signature`, ...). */
  observeWebhook(source: 'sumsub' | 'kriptomat', result: string): void;
  /**
   * An acknowledged webhook event the engine does not act on (a SumSub KYT, AML or workflow event, a
   * Kriptomat event other than `applicantReviewed`), by type. `type` must be a bounded label (a known type
   * name, else `other`): it becomes a metric label. Optional so test fakes need not implement it.
   */
  observeIgnoredWebhookEvent?(source: 'sumsub' | 'kriptomat', type: string): void;
}
