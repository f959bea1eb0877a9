/**
 * The audit trail: an append-only record, per user, of what the engine decided, what vendors answered,
 * what operators did and which notifications went out, kept in PostgreSQL (or embedded PGlite) beyond
 * Temporal's retention. Tamper-evident (hash-chained, each head signed with a key outside the database),
 * pseudonymous (the user id is never stored) and erasable by destroying the user's key.
 */
export type { Appended } from './append';
export { SubjectErasedError } from './append';
export type { AuditTrail } from './audit-trail';
export { createAuditTrail } from './audit-trail';
export type { CheckpointChain, CheckpointFinding, CheckpointMismatch } from './checkpoint';
export { CHECKPOINT_FINDINGS, compareChain, compareWithCheckpoint } from './checkpoint';
export type { AuditDatabase, Queryable } from './database';
export type { ErasureResult } from './erase';
export type { HoldDuration } from './hold';
export { DEFAULT_HOLD, holdEnds } from './hold';
export type { AuditKeys } from './keys';
export { auditKeysFrom, rawPublicKey } from './keys';
export { migrate, MIGRATIONS } from './migrate';
export { pgDatabase } from './pg-database';
export { openPglite, pgliteDatabase } from './pglite-database';
export type { Trail, TrailEntry } from './read';
export type { AuditRecord, AuditRecordKind, RunRef, RunWorkflow } from './records';
export { auditRecordSchema, RUN_WORKFLOWS, runRefSchema } from './records';
export type { EndedExecution, EndedOutside, RunFlag, RunFlagKind } from './run-flags';
export { endedFlags, RUN_FLAGS, unclosedFlag } from './run-flags';
export type { BadRowReason, ChainReport } from './verify';
export type { AuditSettings, AuditStore } from './open';
export { AuditConfigurationError, openAuditStore } from './open';
