import { z } from '@hono/zod-openapi';
import {
  CASE_OUTCOMES,
  CASE_PHASES,
  EDD_STATUSES,
  EDD_STATUS_PATTERN,
  KYC_STATUSES,
  MAX_CASE_TEXT_LENGTH,
  MAX_WATCH_CHANGES,
  OPEN_PHASES,
  REJECT_TYPES,
  REVIEW_ANSWERS,
  REVIEW_STATUSES,
  USER_ID_PATTERN,
  WATCH_PHASE,
  WATCH_RECHECK_REASONS,
} from '../domain';
import { CANCEL_REASON_MAX_LENGTH, CANCEL_REASON_PATTERN, CANCEL_REASON_RULE } from '../client/cancel-reason';
import { CHECKPOINT_FINDINGS, RUN_FLAGS, RUN_WORKFLOWS } from '../audit';

/**
 * The HTTP API's schemas: they validate requests and generate `/openapi.json`, so the document cannot drift
 * from what the handlers accept. Response schemas mirror the domain types (the handlers' `c.json` calls are
 * type-checked against them).
 */

const USER_ID_RULE =
  'must be 1-128 characters of letters, digits, "_", "." or "-", starting with a letter or digit';

export const UserIdSchema = z
  .string()
  .max(128, USER_ID_RULE)
  .regex(USER_ID_PATTERN, USER_ID_RULE)
  .openapi({ description: 'The Kriptomat user id', example: '123456' });

/*
 * Bounds of what the API answers (OWASP API4: every string, integer and array of the document is bounded).
 * Response schemas are not enforced at run time: each bound below is one the engine keeps where the value is
 * made, named there.
 */

/** The largest int32, the bound of counts and of the rate-limit headers' numbers. */
export const INT32_MAX = 2_147_483_647;

/** A whole number in `[min, max]`, declared int32. */
export const int32 = (min: number, max: number = INT32_MAX) =>
  z.number().int().min(min).max(max).openapi({ format: 'int32' });

/** An ISO timestamp as `Date.toISOString` writes it (24 characters; 27 for a six-digit year). */
export const timestamp = z.string().max(40).openapi({ format: 'date-time' });

const ONE_LINE_PATTERN = '^[^\\u0000-\\u001F\\u007F-\\u009F]*$';
const ONE_LINE = new RegExp(ONE_LINE_PATTERN);

/**
 * One line of text without C0/C1 control characters, at most `maxLength` long: what `plainText` and
 * `sanitizeVendorText` leave of a reason or a vendor's message.
 */
export const oneLine = (maxLength: number) => z.string().max(maxLength).regex(ONE_LINE);

/** A status word the engine wrote into a search attribute or the state (a phase, a status, an outcome). */
const statusWord = z.string().max(48).regex(EDD_STATUS_PATTERN);

/** The case workflow's id: `kyc:` and the user id. */
const WORKFLOW_ID_PATTERN = new RegExp(`^kyc:${USER_ID_PATTERN.source.slice(1)}`);

/** Temporal's name of a workflow execution status (`RUNNING`, `COMPLETED`, ...). */
const workflowStatus = z
  .string()
  .max(32)
  .regex(/^[A-Z_]+$/)
  .openapi({ example: 'RUNNING', description: 'RUNNING, COMPLETED, TERMINATED, ...' });

/** Longest error message the API answers (`apiErrorHandler` cuts longer ones). */
export const MAX_ERROR_MESSAGE = 1000;
/** Most issues one 400 lists, and the longest path of one (`issuesOf` cuts the rest). */
export const MAX_ISSUES = 100;
export const MAX_ISSUE_PATH = 200;

export const UserIdParamsSchema = z.object({
  userId: UserIdSchema.openapi({ param: { name: 'userId', in: 'path' } }),
});

export const CaseListQuerySchema = z.object({
  phase: z
    .enum(CASE_PHASES)
    .optional()
    .openapi({ param: { name: 'phase', in: 'query' } }),
  outcome: z
    .enum(CASE_OUTCOMES)
    .optional()
    .openapi({ param: { name: 'outcome', in: 'query' } }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .openapi({
      param: { name: 'limit', in: 'query' },
      format: 'int32',
      description: 'At most this many cases (default 100)',
    }),
});

export const CancelBodySchema = z
  .object({
    reason: z
      .string()
      .trim()
      .min(1)
      .max(CANCEL_REASON_MAX_LENGTH)
      .regex(new RegExp(CANCEL_REASON_PATTERN), CANCEL_REASON_RULE)
      .openapi({ example: 'duplicate signup' }),
  })
  .openapi('CancelRequest');

const count = int32(0);

/**
 * The phases history has no cap of its own, but Temporal refuses a payload over 2 MB (its blob size limit) and
 * one entry is at least 40 bytes of JSON: no state the API can read holds more.
 */
const MAX_PHASES = 65_536;

const CaseReviewSchema = z.object({
  // SumSub's applicant id, as the workflow's message schema bounds it.
  applicantId: z
    .string()
    .max(100)
    .regex(/^[A-Za-z0-9_.:-]+$/),
  reviewStatus: z.enum(REVIEW_STATUSES),
  reviewAnswer: z.enum(REVIEW_ANSWERS).nullable(),
  rejectType: z.enum(REJECT_TYPES).nullable(),
  at: timestamp,
  lastEventAt: timestamp.nullable(),
});

export const CaseStateSchema = z
  .object({
    userId: UserIdSchema,
    phase: z.enum(CASE_PHASES),
    outcome: z.enum(CASE_OUTCOMES).nullable(),
    kycStatus: z.enum(KYC_STATUSES).nullable(),
    eddStatus: statusWord.nullable().openapi({
      description: `One of ${EDD_STATUSES.join(', ')}; or another value Kriptomat reported, kept as sent`,
      example: 'not_reported',
    }),
    review: CaseReviewSchema.nullable(),
    phases: z.array(z.object({ phase: z.enum(CASE_PHASES), at: timestamp })).max(MAX_PHASES),
    lastError: z
      .object({
        type: z.string().max(200).openapi({ description: "The failure's type (an error class name)" }),
        message: oneLine(MAX_CASE_TEXT_LENGTH),
        step: z.enum(OPEN_PHASES),
        at: timestamp,
      })
      .nullable(),
    kriptomatChecks: count,
    sumsubChecks: count,
    sumsubEvents: count,
    wait: z
      .object({
        phase: z.enum(['awaiting_user', 'awaiting_kriptomat']),
        since: timestamp,
        deadlineAt: timestamp,
        looks: count,
      })
      .nullable(),
    nextCheckAt: timestamp.nullable(),
    notifications: count,
    cancelReason: oneLine(MAX_CASE_TEXT_LENGTH).nullable(),
    runs: count,
    startedAt: timestamp,
    updatedAt: timestamp,
  })
  .openapi('CaseState');

/** Statuses as one read of Kriptomat gave them. */
const StatusesSchema = z.object({ kycStatus: z.enum(KYC_STATUSES), eddStatus: statusWord });

/** The watch's state (domain/watch.ts `WatchState`), as `getWatchState` answers it. */
const WatchStateSchema = z
  .object({
    userId: UserIdSchema,
    phase: z.literal(WATCH_PHASE),
    kycStatus: z
      .enum(KYC_STATUSES)
      .openapi({ description: 'The Kriptomat status as last read: the status now' }),
    eddStatus: statusWord.openapi({ description: 'The `edd_status` as last read' }),
    approvedAt: timestamp.openapi({
      description: 'When the case ended `approved`: the verdict this watch follows',
    }),
    since: timestamp,
    lastReadAt: timestamp.nullable(),
    nextReadAt: timestamp.nullable(),
    reads: count,
    rechecks: count,
    changes: z
      .array(
        z.object({
          at: timestamp,
          reason: z.enum(['schedule', ...WATCH_RECHECK_REASONS]),
          from: StatusesSchema,
          to: StatusesSchema,
        }),
      )
      .max(MAX_WATCH_CHANGES)
      .openapi({ description: `The newest changes, oldest first (at most ${MAX_WATCH_CHANGES})` }),
    changeCount: count,
    lastError: z
      .object({ type: z.string().max(200), message: oneLine(MAX_CASE_TEXT_LENGTH), at: timestamp })
      .nullable(),
    notifications: count,
    droppedMessages: count,
    runs: count,
  })
  .openapi('WatchState');

export const WatchViewSchema = z
  .object({
    workflowStatus,
    state: WatchStateSchema.nullable().openapi({ description: 'Null once the watch has ended' }),
  })
  .openapi('WatchView', {
    description:
      "The watch of an approved user, which outlives the case: the case's `outcome` is the onboarding verdict and its `kycStatus` the status it was decided on; `watch.state.kycStatus` is the status now",
  });

export const CaseViewSchema = CaseStateSchema.extend({
  workflowStatus,
  caseHistory: z.literal('held').openapi({
    description: "Temporal holds the case's execution: the case's state is answered in full",
  }),
  watch: WatchViewSchema.optional(),
}).openapi('CaseView', {
  description:
    'The case; `watch` is present when the user has a watch (a case started with `?watch=true` or KYC_WATCH_APPROVED)',
});

/**
 * A watched user whose case Temporal no longer holds: the namespace's retention deleted the closed case's
 * execution, while the watch of the approved user runs on. Not a 404: the watch tells when the user was
 * approved, their Kriptomat status now and the changes seen.
 */
export const WatchedUserViewSchema = z
  .object({
    userId: UserIdSchema,
    caseHistory: z.literal('expired').openapi({
      description:
        "Temporal no longer holds the case's history (its retention passed after the case ended approved): only the watch is answered",
    }),
    watch: WatchViewSchema,
  })
  .openapi('WatchedUserView', {
    description:
      'A watched user whose case history is no longer held by Temporal: `watch.state.approvedAt` is when the case ended approved, `watch.state.kycStatus` the status now, `watch.state.changes` what moved since',
  });

/** `GET /v1/cases/{userId}`: the case (and its watch), or the watch alone once the case is no longer held. */
export const CaseReadSchema = z.discriminatedUnion('caseHistory', [CaseViewSchema, WatchedUserViewSchema]);

export const CaseStartQuerySchema = z.object({
  watch: z
    .enum(['true', 'false'])
    .optional()
    .openapi({
      param: { name: 'watch', in: 'query' },
      description:
        '`true`: once approved, the case starts the watch of its user (`case.status_changed` when its Kriptomat status moves); `false`: it does not. Default: the KYC_WATCH_APPROVED setting. Ignored when the case already runs',
    }),
});

const CaseSummarySchema = z
  .object({
    userId: UserIdSchema,
    phase: statusWord.nullable(),
    kycStatus: statusWord.nullable(),
    eddStatus: statusWord.nullable(),
    outcome: statusWord.nullable(),
    workflowStatus,
    startedAt: timestamp,
    closedAt: timestamp.nullable(),
  })
  .openapi('CaseSummary');

/** `limit` is at most 1000. */
export const CaseListSchema = z.object({ cases: z.array(CaseSummarySchema).max(1000) }).openapi('CaseList');

export const CaseStartedSchema = z
  .object({
    userId: UserIdSchema,
    workflowId: z.string().max(132).regex(WORKFLOW_ID_PATTERN).openapi({ example: 'kyc:123456' }),
  })
  .openapi('CaseStarted');

export const CaseActionSchema = z
  .object({ userId: UserIdSchema, result: z.enum(['cancel_requested', 'retry_requested']) })
  .openapi('CaseActionAccepted');

export const WebSdkTokenSchema = z
  .object({
    userId: UserIdSchema,
    token: z.string().max(4096).openapi({ description: "SumSub's access token, as SumSub minted it" }),
    // SUMSUB_WEBSDK_TOKEN_TTL_SECS's bounds.
    expiresInSecs: int32(60, 86_400),
  })
  .openapi('WebSdkToken');

const freeText = z.string().max(MAX_ERROR_MESSAGE);

export const ErrorSchema = z
  .object({
    error: z
      .string()
      .max(64)
      .regex(/^[a-z_]+$/)
      .openapi({ example: 'not_found' }),
    message: freeText.optional(),
  })
  .openapi('Error');

export const ValidationErrorSchema = z
  .object({
    error: z.literal('invalid_request'),
    issues: z
      .array(
        z.object({
          path: z.string().max(MAX_ISSUE_PATH).openapi({
            example: 'body.reason',
            description: 'Where: the part of the request, then the field',
          }),
          message: freeText,
        }),
      )
      .max(MAX_ISSUES),
  })
  .openapi('ValidationError');

/*
 * The audit trail (audit/): a user's records, every chain's verification, and the erasure of a user. The
 * trail holds no personal data: records name their subject by pseudonym, and their free text is opened only
 * while the subject's key exists.
 */

/** A subject's pseudonym: `p_` and 22 base64url characters (audit/subjects.ts). */
const pseudonym = z
  .string()
  .max(64)
  .regex(/^p_[A-Za-z0-9_-]+$/)
  .openapi({
    example: 'p_Zq8xWm0bR1v4T9yLk2sNaA',
    description: 'The keyed pseudonym the trail names the user by',
  });

/** A record kind or a short label of the trail (audit/records.ts). */
const auditLabel = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/);

/** A value of a record's structured fields: a status, a label, an operator name, an ISO time. */
const auditValue = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9_.:@+-]*$/);

/** Free text of a record, opened: any text but NUL (which PostgreSQL's JSON refuses). */
const NO_NUL_PATTERN = '^[^\\u0000]*$';
const auditText = z.string().max(4000).regex(new RegExp(NO_NUL_PATTERN));

/** The most records one user's trail answers with; a trail grows by a few records per case. */
export const MAX_TRAIL_ENTRIES = 100_000;
/** The most chains one verification lists. */
export const MAX_CHAINS = 10_000_000;

/** A Temporal run id (audit/records.ts `runRefSchema`). */
const runId = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/);

/** Which of the engine's workflows ran an execution: a label, never the workflow id (it holds the user id). */
const runWorkflow = z.enum(RUN_WORKFLOWS).openapi({ description: 'Which of the engine workflows ran it' });

/** The execution that wrote a record (audit/records.ts `RunRef`), stored in the chained body. */
const AuditRunSchema = z
  .object({
    id: runId.openapi({ description: 'The Temporal run id' }),
    original: runId.optional().openapi({
      description: 'The run this one was reset from: only on a run a Temporal reset made',
    }),
    workflow: runWorkflow,
  })
  .openapi('AuditRun', {
    description:
      'The execution that wrote the record, in its chained body; records written before runs were named have none',
  });

const AuditEntrySchema = z
  .object({
    seq: int32(1),
    at: timestamp,
    kind: auditLabel,
    data: z
      .record(
        auditLabel,
        z.union([auditValue, z.array(auditValue).max(20)]).openapi({
          description: 'A status, an outcome, an operator name, a label (audit/records.ts, kind by kind)',
        }),
      )
      .openapi({ description: 'The structured fields of the record, stored in clear' }),
    text: z
      .union([z.record(auditLabel, auditText), z.literal('sealed')])
      .optional()
      .openapi({
        description:
          "Free text (an operator's reason, an error message): `sealed` once the user's key is destroyed",
      }),
    run: AuditRunSchema.optional(),
  })
  .openapi('AuditEntry');

export const AuditTrailSchema = z
  .object({
    pseudonym,
    erased: z.boolean().openapi({ description: "True once the user's key is destroyed" }),
    entries: z.array(AuditEntrySchema).max(MAX_TRAIL_ENTRIES),
  })
  .openapi('AuditTrail');

/** An execution that wrote a chain and was ended or reset outside the engine (audit/run-flags.ts `RunFlag`). */
const RunFlagSchema = z
  .object({
    runId,
    flag: z.enum(RUN_FLAGS).openapi({
      description:
        '`reset`: the run was made by a Temporal reset; `terminated`, `cancelled`, `timed-out`: Temporal closed the run so and the chain holds no closing record of it; `unclosed`: the latest case run has no closing record and Temporal no longer knows it (ended outside the engine, how unknown)',
    }),
    workflow: runWorkflow.optional(),
  })
  .openapi('AuditRunFlag');

/** The most flags one chain's report lists. */
const MAX_RUN_FLAGS = 10_000;

/** Hex of a row's chain hash (SHA-256), as verification reports it and a checkpoint keeps it. */
const chainHead = z
  .string()
  .length(64, 'must be 64 lowercase hex digits')
  .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

/** A chain's report, with the runs ended or reset outside the engine (not tampering: `ok` ignores them). */
const ChainReportSchema = z
  .object({
    pseudonym,
    rows: int32(0),
    head: chainHead.optional().openapi({
      description:
        "Hex of the last row's stored chain hash, on a chain with rows: what a checkpoint kept outside the database anchors (`kyc audit verify --checkpoint-out`); trusted only without `firstBad`",
    }),
    firstBad: z
      .object({
        seq: int32(0),
        reason: z.enum(['sequence', 'body', 'hash', 'unknown-key', 'signature']),
        detail: oneLine(MAX_ERROR_MESSAGE),
      })
      .optional()
      .openapi({ description: 'The first row that fails, and why; the rows after it are not trusted' }),
    flags: z.array(RunFlagSchema).max(MAX_RUN_FLAGS).openapi({
      description: 'Executions that wrote the chain and were ended or reset outside the engine: warnings',
    }),
  })
  .openapi('AuditChainReport');

export const AuditVerificationSchema = z
  .object({
    ok: z.boolean().openapi({ description: 'True when every chain verifies' }),
    chains: z.array(ChainReportSchema).max(MAX_CHAINS),
  })
  .openapi('AuditVerification');

/**
 * The most chains one comparison with a checkpoint takes: its database reads are two per chain, and a
 * checkpoint of the whole trail is sent in batches of this many (`kyc audit verify --against`).
 */
export const MAX_CHECKPOINT_CHAINS = 1000;

/** One chain of a checkpoint (audit/checkpoint.ts `CheckpointChain`). */
const CheckpointChainSchema = z
  .object({
    pseudonym,
    rows: int32(1).openapi({ description: "The chain's row count at the checkpoint: at least 1" }),
    head: chainHead.openapi({ description: 'Hex of the chain hash of its row `rows` at the checkpoint' }),
  })
  .openapi('AuditCheckpointChain');

export const AuditCheckpointSchema = z
  .object({
    chains: z
      .array(CheckpointChainSchema)
      .max(
        MAX_CHECKPOINT_CHAINS,
        `at most ${MAX_CHECKPOINT_CHAINS} chains per request: send a checkpoint in batches`,
      )
      .openapi({ description: `At most ${MAX_CHECKPOINT_CHAINS}: a larger checkpoint is sent in batches` }),
  })
  .openapi('AuditCheckpoint', {
    description:
      'Chains of a checkpoint kept outside the database (`kyc audit verify --checkpoint-out`), as many as one request takes',
  });

/** A chain that no longer matches its checkpoint (audit/checkpoint.ts `CheckpointMismatch`). */
const CheckpointMismatchSchema = z
  .object({
    pseudonym,
    finding: z.enum(CHECKPOINT_FINDINGS).openapi({
      description:
        "`missing`: no row of the chain is left; `shortened`: rows were deleted from its end; `rewritten`: its row at the checkpoint's count has another head, or is gone while later rows exist",
    }),
    detail: oneLine(MAX_ERROR_MESSAGE).openapi({ description: 'What was found, in row counts' }),
  })
  .openapi('AuditCheckpointMismatch');

export const AuditCheckpointComparisonSchema = z
  .object({
    ok: z.boolean().openapi({ description: 'True when every chain sent still matches its checkpoint' }),
    checked: int32(0, MAX_CHECKPOINT_CHAINS).openapi({ description: 'How many chains were compared' }),
    mismatches: z
      .array(CheckpointMismatchSchema)
      .max(MAX_CHECKPOINT_CHAINS)
      .openapi({ description: "The chains sent that no longer match, in the request's order" }),
  })
  .openapi('AuditCheckpointComparison');

export const AuditExportQuerySchema = z.object({
  since: z.iso
    .datetime({ offset: true })
    .max(40)
    .or(z.iso.date().max(10))
    .openapi({
      param: { name: 'since', in: 'query' },
      description: 'Records at or after this time (`2026-01-31` or an ISO date-time)',
      example: '2026-01-01',
    }),
});

/** One JSON line of an export (audit/read.ts `exportLines`); the response is these, one per line. */
export const AuditExportLineSchema = z
  .string()
  .max(65_536)
  .regex(/^\{.*\}$/)
  .openapi('AuditExportLine', {
    description:
      'JSON lines, one record each, oldest first: `pseudonym`, `seq`, `at`, `kind`, `data`, and the stored `body` (base64) with its `chainHash` (hex), `keyId` and `signature` (base64), so the recipient can check the chain',
  });

export const ErasureSchema = z
  .object({
    userId: UserIdSchema,
    caseCancelled: z.boolean().openapi({ description: 'The case was running and was cancelled first' }),
    watchStopped: z.boolean().openapi({ description: 'The watch was running and was cancelled first' }),
    executionsDeleted: int32(0).openapi({
      description: 'Closed Temporal executions of the user deleted (runs of the case and of the watch)',
    }),
    trail: z.enum(['erased', 'scheduled', 'not_recorded']).openapi({
      description:
        "`erased`: the user's key is destroyed now; `scheduled`: an AML hold applies and the key is destroyed by itself at `eraseAfter`; `not_recorded`: the trail holds nothing of the user (never recorded, or erased before)",
    }),
    erasedAt: timestamp.optional(),
    eraseAfter: timestamp.optional(),
  })
  .openapi('Erasure');
