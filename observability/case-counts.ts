import { caseListQuery } from '../domain';
import type { CasePhase } from '../domain';
import { CASE_PHASES, isOutcome } from '../domain';

/** What counting needs of a Temporal `Client`: visibility's count (a fake in tests). */
export interface CaseCountClient {
  workflow: { count(query: string): Promise<{ count: number }> };
}

export interface CaseCountOptions {
  /** How long one count is reused; scrapes come every 15-60 s and each count costs one query per phase. */
  ttlMs?: number;
  /** A count slower than this is a failure, so a slow visibility store cannot stall the scrape. */
  timeoutMs?: number;
  /** Called once per failed refresh (the metrics count it). */
  onFailure?: (error: unknown) => void;
  now?: () => number;
}

/**
 * The visibility query of the cases in `phase`. An open phase counts running workflows only (earlier runs of
 * a case that continued as new keep their old phase); an outcome counts completed ones, for as long as the
 * namespace retains closed workflows.
 */
export function phaseCountQuery(phase: CasePhase): string {
  const status = isOutcome(phase) ? 'Completed' : 'Running';
  return `${caseListQuery({ phase })} AND ExecutionStatus = '${status}'`;
}

/**
 * Cases by phase, counted from Temporal visibility at most once per `ttlMs` however often it is asked. A
 * failed refresh keeps the previous numbers (stale beats missing on a dashboard) and is retried only after
 * `ttlMs` as well, so a struggling server is not hammered by every scrape.
 */
export class CaseCounts {
  private last: ReadonlyMap<CasePhase, number> | undefined;
  private refreshedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: CaseCountClient,
    private readonly options: CaseCountOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 15_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  /** The latest counts, refreshed first when they are older than the TTL; undefined until one succeeds. */
  async current(): Promise<ReadonlyMap<CasePhase, number> | undefined> {
    if (this.now() - this.refreshedAt >= this.ttlMs) {
      this.inFlight ??= this.refresh().finally(() => (this.inFlight = undefined));
    }
    // Concurrent readers (two metrics of one scrape, two scrapes) share the refresh in flight.
    await this.inFlight;
    return this.last;
  }

  private async refresh(): Promise<void> {
    this.refreshedAt = this.now();
    try {
      const counts = await withTimeout(
        Promise.all(CASE_PHASES.map((phase) => this.client.workflow.count(phaseCountQuery(phase)))),
        this.timeoutMs,
      );
      this.last = new Map(CASE_PHASES.map((phase, index) => [phase, counts[index]?.count ?? 0]));
    } catch (error) {
      this.options.onFailure?.(error);
    }
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`case count took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
