import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { AuditRecord, AuditTrail, RunRef } from '../audit';
import { SubjectErasedError } from '../audit';
import { ERROR_TYPES } from '../domain';

export type { AuditRecord, AuditRecordKind, RunRef, RunWorkflow } from '../audit';

/**
 * One record as a workflow hands it over: what, under which idempotency key, when (workflow time), and which
 * run wrote it.
 */
export interface AuditEntry {
  record: AuditRecord;
  /** Deterministic per record (workflow id, run, a counter): a retry appends nothing twice. */
  idempotencyKey: string;
  /** ISO time the workflow took the record at, so a retry or a late flush keeps the moment it happened. */
  at: string;
  /** The run that took the record (absent in entries from workers before it): stored in the chained body. */
  run?: RunRef;
}

/** The trail's activity: a workflow flushes the records it collected in one call. */
export interface AuditActivities {
  /** Appends `entries` in order to the user's chain; with no trail configured, does nothing. */
  recordAudit(input: { userId: string; entries: AuditEntry[] }): Promise<void>;
}

/**
 * The `recordAudit` activity over `trail` (null: the trail is off, and the worker said so once at start).
 * Records are appended one by one in order, each under its own key, so a retry after a crash mid-list
 * skips the ones already written. A user whose key was destroyed gets nothing more (erasure ends their
 * trail by design); a record the trail's schema refuses is a fault of the engine that no retry fixes, so
 * it fails the flush for good rather than retrying forever.
 */
export function createAuditActivities(trail: Pick<AuditTrail, 'append'> | null): AuditActivities {
  return {
    recordAudit: async ({ userId, entries }) => {
      if (!trail) return;
      for (const { record, idempotencyKey, at, run } of entries) {
        try {
          const stored: AuditRecord = run ? { ...record, run } : record;
          await trail.append(userId, stored, { idempotencyKey, at: new Date(at) });
        } catch (error) {
          if (error instanceof SubjectErasedError) {
            log.warn('the user is erased: the audit record was not written', { kind: record.kind });
            continue;
          }
          if (error instanceof z.ZodError)
            throw ApplicationFailure.nonRetryable(
              `the audit trail refused a ${record.kind} record: ${error.issues.map((issue) => issue.path.join('.')).join(', ')}`,
              ERROR_TYPES.Configuration,
            );
          throw error;
        }
      }
    },
  };
}
