import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActivityOptions, RetryPolicy } from '@temporalio/common';
import type { AuditActivities, AuditEntry, AuditRecord, RunRef, RunWorkflow } from '../activities/audit';
import type { KycActivities } from '../activities/contract';
import type { KriptomatKycSnapshot } from '../domain';
import { NON_RETRYABLE_ERROR_TYPES, parksCase } from '../domain';
import { leanRoundTrips, retryAfterTimer } from './patches';

/**
 * Vendor outages are waited out (bounded interval, no attempt limit, `Retry-After` honoured through the
 * failure's `nextRetryDelay`); contract, auth and configuration errors are not retried but parked in
 * `needs_attention` for a person.
 */
const vendorRetry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
};

/**
 * Activities heartbeat while they run (activities/heartbeat.ts): an attempt lost with a crashed worker is
 * retried once this much silence has passed, not after its whole start-to-close timeout of up to 2 minutes.
 */
const HEARTBEAT_TIMEOUT = '10s';

/** A vendor call: its timeout and summary, with the vendor retry policy and a heartbeat. */
function vendorCall(call: Pick<ActivityOptions, 'startToCloseTimeout' | 'summary'>): ActivityOptions {
  return { ...call, retry: vendorRetry, heartbeatTimeout: HEARTBEAT_TIMEOUT };
}

const { readKycStatus: readKycStatusQueued } = proxyActivities<KycActivities>(
  vendorCall({ startToCloseTimeout: '30s', summary: 'read Kriptomat KYC status' }),
);

/**
 * The Kriptomat status read as a local activity: a short, idempotent GET that runs inside the workflow task
 * that needs it, which saves every read its three activity events, its trip through the task queue and a
 * workflow task of its own (measured by bench/). While a local activity runs, its workflow task stays open,
 * so queries and signals wait for it: a read gets one attempt of at most five seconds here.
 */
const { readKycStatus: readKycStatusLocally } = proxyLocalActivities<KycActivities>({
  startToCloseTimeout: '5s',
  retry: { maximumAttempts: 1 },
  summary: 'read Kriptomat KYC status',
});

export const { ensureSumsubApplicant } = proxyActivities<KycActivities>(
  vendorCall({ startToCloseTimeout: '1m', summary: 'find or create the SumSub applicant' }),
);

export const { readApplicantReview } = proxyActivities<KycActivities>(
  vendorCall({ startToCloseTimeout: '30s', summary: 'read the SumSub review' }),
);

export const { shareApplicantWithKriptomat } = proxyActivities<KycActivities>(
  // Re-read, mint and import: three calls, each with its own HTTP timeout.
  vendorCall({ startToCloseTimeout: '2m', summary: 'share the SumSub applicant with Kriptomat' }),
);

/**
 * Partner notifications are retried until delivered, whatever the failure: the partner's endpoint being
 * down or misconfigured must not lose an event. Receivers deduplicate by event id.
 */
export const { notifyPartner } = proxyActivities<KycActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10m' },
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  summary: 'notify the partner',
});

/**
 * Reads the user's KYC status at Kriptomat, locally first (unless the case began before local reads
 * existed). Any failure that retrying may fix falls back to the queued activity, which waits out an outage
 * on the server without growing the history; after a rate limit, only once Kriptomat's `Retry-After` has
 * passed, so no worker calls early.
 */
export async function readKycStatus(userId: string): Promise<KriptomatKycSnapshot> {
  if (!leanRoundTrips()) return readKycStatusQueued(userId);
  try {
    return await readKycStatusLocally(userId);
  } catch (error) {
    if (isCancellation(error) || finalFailure(error)) throw error;
    const cause = causeOf(error);
    if (cause instanceof ApplicationFailure && cause.nextRetryDelay != null && retryAfterTimer())
      await sleep(cause.nextRetryDelay, { summary: "Kriptomat's Retry-After" });
    return readKycStatusQueued(userId);
  }
}

/**
 * The failure behind `error` when retrying cannot fix it, as operators should read it: the case parks it in
 * `needs_attention`. Null for a cancellation and for anything a retry may fix (activity retry policies have
 * already waited those out, or the local read falls back).
 */
export function finalFailure(error: unknown): { type: string; message: string } | null {
  if (isCancellation(error)) return null;
  const cause = causeOf(error);
  if (!(cause instanceof ApplicationFailure)) return null;
  const type = cause.type ?? 'Error';
  if (!parksCase(cause)) return null;
  return { type, message: cause.message };
}

function causeOf(error: unknown): unknown {
  return error instanceof ActivityFailure ? error.cause : error;
}

// The audit trail

/**
 * A flush is one write to the engine's database, so it runs locally first (one history event instead of an
 * activity's three and a workflow task): a few quick attempts. A database that stays away is waited out by
 * the queued activity, on the server, without the history growing.
 */
const { recordAudit: recordAuditLocally } = proxyLocalActivities<AuditActivities>({
  startToCloseTimeout: '10s',
  retry: {
    initialInterval: '500ms',
    maximumAttempts: 3,
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
  summary: 'write the audit trail',
});

const { recordAudit: recordAuditQueued } = proxyActivities<AuditActivities>({
  startToCloseTimeout: '30s',
  retry: { ...vendorRetry, maximumInterval: '5m' },
  summary: 'write the audit trail',
});

async function writeAudit(userId: string, entries: AuditEntry[]): Promise<void> {
  try {
    await recordAuditLocally({ userId, entries });
  } catch (error) {
    if (finalFailure(error)) throw new AuditRefusedError(error);
    await recordAuditQueued({ userId, entries });
  }
}

/**
 * The trail refused a record: a fault of the engine (a record its schema does not allow), which no retry
 * fixes. Not an `ApplicationFailure`: it fails the workflow task, so the case waits, unchanged and visible,
 * for a worker with the fix, rather than acting on a decision whose record was never written.
 */
class AuditRefusedError extends Error {
  override name = 'AuditRefusedError';
  constructor(cause: unknown) {
    const detail = causeOf(cause);
    super(`the audit trail refused a record: ${detail instanceof Error ? detail.message : String(detail)}`);
  }
}

/** The label of each workflow type in the trail: never the workflow id, which holds the user id. */
const RUN_WORKFLOW_OF: Readonly<Record<string, RunWorkflow>> = {
  kycCase: 'case',
  approvedUserWatch: 'watch',
  recordKeeping: 'records',
};

/**
 * The audit records a workflow run collects at its transitions and writes in batches: `flush` before an
 * action that depends on them, so nothing is acted on before its record is written. Each record names the run
 * that took it (run id, the run it was reset from, which workflow), kept in its chained body. Its idempotency
 * key is the workflow id, its first run id, the run's number and the record's number in the run: stable across
 * retries and replays, distinct across continue-as-new; a reset run adds its own run id, since it keeps the
 * first run id and counts again from where it was reset, and its records must not be taken for the ones the
 * reset run replaced. A run without the trail (a history recorded before it, workflows/patches.ts) collects
 * nothing. Only activity inputs depend on this: no command changes.
 */
export class AuditRecords {
  private readonly pending: AuditEntry[] = [];
  private count = 0;
  private written: Promise<void> = Promise.resolve();

  constructor(
    private readonly userId: string,
    private readonly run: number,
    readonly on: boolean,
  ) {}

  add(record: AuditRecord): void {
    if (!this.on) return;
    this.count += 1;
    const { workflowId, firstExecutionRunId, runId, originalExecutionRunId, workflowType } = workflowInfo();
    const reset = originalExecutionRunId !== runId;
    const key = `${workflowId}/${firstExecutionRunId}/${this.run}.${this.count}`;
    const idempotencyKey = reset ? `${key}@${runId}` : key;
    const run: RunRef = {
      id: runId,
      ...(reset && { original: originalExecutionRunId }),
      workflow: RUN_WORKFLOW_OF[workflowType] ?? 'case',
    };
    this.pending.push({ record, idempotencyKey, at: new Date().toISOString(), run });
  }

  /**
   * Resolves once every record added so far is written: one activity for whatever is pending, after the
   * flushes before it (so the trail keeps the order records were added). A cancellation does not interrupt
   * it: a record taken for writing is written.
   */
  flush(): Promise<void> {
    if (this.pending.length > 0) {
      const entries = this.pending.splice(0);
      this.written = this.written.then(() =>
        CancellationScope.nonCancellable(() => writeAudit(this.userId, entries)),
      );
    }
    return this.written;
  }
}
