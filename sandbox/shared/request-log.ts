import type { CorruptionKind } from './corruptions';

/**
 * What a simulator saw, for tests and benchmarks to count: one entry per request and one per outbound
 * webhook delivery. Entries never hold a token, a signature or a personal field.
 */
export interface LoggedRequest {
  service: 'kriptomat' | 'sumsub';
  /** A stable endpoint name (`showUser`, `importKyc`, `createApplicant`, `shareToken`, ...). */
  endpoint: string;
  method: string;
  /** The request path as received (ids percent-encoded as sent). */
  path: string;
  /** The Kriptomat user / SumSub external user id the call was about, when known. */
  userId: string | null;
  status: number;
  /** Whether the call passed authentication (bearer token or SumSub signature). */
  authorized: boolean;
  /** The fault injected into this call, if any. */
  fault: 'error' | 'rate_limit' | 'timeout' | null;
  /** The corruption its answer was rewritten with (`sandbox/shared/corruptions.ts`), when one applied. */
  corruption?: CorruptionKind;
  at: number;
}

export interface LoggedWebhook {
  /** Who sent it: SumSub's signed events, or Kriptomat's own webhook. */
  service: 'kriptomat' | 'sumsub';
  type: string;
  userId: string;
  applicantId: string;
  /** HTTP status of the receiver's answer, or null when the delivery failed without one or was dropped. */
  status: number | null;
  attempt: number;
  dropped: boolean;
  duplicate: boolean;
  at: number;
}

/** The shared, append-only log with the counts tests and benchmarks ask for. */
export class RequestLog {
  readonly requests: LoggedRequest[] = [];
  readonly webhooks: LoggedWebhook[] = [];
  /** Share tokens minted and successfully redeemed, by user id. */
  readonly shareTokensMinted = new Map<string, number>();
  readonly shareTokensRedeemed = new Map<string, number>();
  /** Share tokens a refused import consumed all the same (`import_refused-`, `import_unauthorized-`), by user. */
  readonly shareTokensBurnt = new Map<string, number>();

  record(entry: Omit<LoggedRequest, 'at'>): void {
    this.requests.push({ ...entry, at: Date.now() });
  }

  recordWebhook(entry: Omit<LoggedWebhook, 'at'>): void {
    this.webhooks.push({ ...entry, at: Date.now() });
  }

  countMinted(userId: string): void {
    this.shareTokensMinted.set(userId, (this.shareTokensMinted.get(userId) ?? 0) + 1);
  }

  countRedeemed(userId: string): void {
    this.shareTokensRedeemed.set(userId, (this.shareTokensRedeemed.get(userId) ?? 0) + 1);
  }

  countBurnt(userId: string): void {
    this.shareTokensBurnt.set(userId, (this.shareTokensBurnt.get(userId) ?? 0) + 1);
  }

  /** Requests matching every given field. */
  find(filter: Partial<Omit<LoggedRequest, 'at'>>): LoggedRequest[] {
    const entries = Object.entries(filter) as [keyof LoggedRequest, unknown][];
    return this.requests.filter((request) => entries.every(([key, value]) => request[key] === value));
  }

  /** Calls per endpoint (`kriptomat.showUser` → 3), optionally for one user. */
  callsByEndpoint(userId?: string): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const request of this.requests) {
      if (userId !== undefined && request.userId !== userId) continue;
      const key = `${request.service}.${request.endpoint}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  /** Successful (2xx) Kriptomat imports of one user: more than one means a user was imported twice. */
  importsOf(userId: string): number {
    return this.find({ service: 'kriptomat', endpoint: 'importKyc', userId }).filter(
      (request) => request.status >= 200 && request.status < 300,
    ).length;
  }
}
