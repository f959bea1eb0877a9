import { z } from '@hono/zod-openapi';
import {
  CASE_OUTCOMES,
  CASE_PHASES,
  EDD_STATUSES,
  KYC_STATUSES,
  OPEN_PHASES,
  REJECT_TYPES,
  REVIEW_ANSWERS,
  REVIEW_STATUSES,
  USER_ID_PATTERN,
} from '../../domain';
import { CANCEL_REASON_MAX_LENGTH, CANCEL_REASON_PATTERN, CANCEL_REASON_RULE } from './cancel-reason';

/**
 * The HTTP API's schemas: they validate requests and generate `/openapi.json`, so the document cannot drift
 * from what the handlers accept. Response schemas mirror the domain types (the handlers' `c.json` calls are
 * type-checked against them).
 */

const USER_ID_RULE =
  'must be 1-128 characters of letters, digits, "_", "." or "-", starting with a letter or digit';

const UserIdSchema = z
  .string()
  .max(128, USER_ID_RULE)
  .regex(USER_ID_PATTERN, USER_ID_RULE)
  .openapi({ description: 'The Kriptomat user id', example: '123456' });

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
    .openapi({ param: { name: 'limit', in: 'query' }, description: 'At most this many cases (default 100)' }),
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

const timestamp = z.string().openapi({ format: 'date-time' });
const count = z.number().int().nonnegative();

const CaseReviewSchema = z.object({
  applicantId: z.string(),
  reviewStatus: z.enum(REVIEW_STATUSES),
  reviewAnswer: z.enum(REVIEW_ANSWERS).nullable(),
  rejectType: z.enum(REJECT_TYPES).nullable(),
  at: timestamp,
  lastEventAt: timestamp.nullable(),
});

export const CaseStateSchema = z
  .object({
    userId: z.string(),
    phase: z.enum(CASE_PHASES),
    outcome: z.enum(CASE_OUTCOMES).nullable(),
    kycStatus: z.enum(KYC_STATUSES).nullable(),
    eddStatus: z
      .string()
      .nullable()
      .openapi({
        description: `One of ${EDD_STATUSES.join(', ')}; or another value Kriptomat reported, kept as sent`,
        example: 'not_reported',
      }),
    review: CaseReviewSchema.nullable(),
    phases: z.array(z.object({ phase: z.enum(CASE_PHASES), at: timestamp })),
    lastError: z
      .object({ type: z.string(), message: z.string(), step: z.enum(OPEN_PHASES), at: timestamp })
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
    cancelReason: z.string().nullable(),
    runs: count,
    startedAt: timestamp,
    updatedAt: timestamp,
  })
  .openapi('CaseState');

export const CaseViewSchema = CaseStateSchema.extend({
  workflowStatus: z
    .string()
    .openapi({ example: 'RUNNING', description: 'RUNNING, COMPLETED, TERMINATED, ...' }),
}).openapi('CaseView');

const CaseSummarySchema = z
  .object({
    userId: z.string(),
    phase: z.string().nullable(),
    kycStatus: z.string().nullable(),
    eddStatus: z.string().nullable(),
    outcome: z.string().nullable(),
    workflowStatus: z.string(),
    startedAt: timestamp,
    closedAt: timestamp.nullable(),
  })
  .openapi('CaseSummary');

export const CaseListSchema = z.object({ cases: z.array(CaseSummarySchema) }).openapi('CaseList');

export const CaseStartedSchema = z
  .object({ userId: z.string(), workflowId: z.string().openapi({ example: 'kyc:123456' }) })
  .openapi('CaseStarted');

export const CaseActionSchema = z
  .object({ userId: z.string(), result: z.enum(['cancel_requested', 'retry_requested']) })
  .openapi('CaseActionAccepted');

export const WebSdkTokenSchema = z
  .object({ userId: z.string(), token: z.string(), expiresInSecs: z.number().int() })
  .openapi('WebSdkToken');

export const ErrorSchema = z.object({ error: z.string(), message: z.string().optional() }).openapi('Error');

export const ValidationErrorSchema = z
  .object({
    error: z.literal('invalid_request'),
    issues: z.array(z.object({ path: z.string().openapi({ example: 'body.reason' }), message: z.string() })),
  })
  .openapi('ValidationError');
