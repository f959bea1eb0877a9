import { z } from 'zod';
import {
  CASE_OUTCOMES,
  CASE_PHASES,
  EDD_STATUS_PATTERN,
  KYC_STATUSES,
  REJECT_TYPES,
  REVIEW_ANSWERS,
} from '../domain';

/**
 * What the trail may hold, kind by kind. Each kind has structured `data`, stored in clear, and at most a few
 * free-text fields in `text`, sealed under the subject's key. Every object is strict: a record carrying
 * anything else (a name, an email, a phone number, a birth date, an address, a user or applicant id) is
 * refused, so personal data cannot reach the trail by a field nobody reviewed.
 */
const label = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be a short label');
const operator = z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'must be an operator or API key name');
/** Free text: operator reasons, error messages. Never stored in clear. */
const freeText = z.string().min(1).max(4000);

/** The engine's workflows that write the trail, by a short label (never the workflow id: it holds the user id). */
export const RUN_WORKFLOWS = ['case', 'watch', 'records'] as const;
export type RunWorkflow = (typeof RUN_WORKFLOWS)[number];
/** A Temporal run id (a UUID). */
const runId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a run id');

/**
 * Which execution wrote a record: its run id, and the run it was reset from (`original`, only when a reset
 * made this run: Temporal's original execution run id differs from the run id). Stored in the chained body, so
 * it is as tamper-evident as the record; records written before it existed have none.
 */
export const runRefSchema = z
  .object({ id: runId, original: runId.optional(), workflow: z.enum(RUN_WORKFLOWS) })
  .strict();
export type RunRef = z.infer<typeof runRefSchema>;

/** The envelope every kind may carry beside its own fields. */
const envelope = { run: runRefSchema.optional() };

const kinds = [
  z
    .object({
      kind: z.literal('case.started'),
      ...envelope,
      data: z.object({ by: operator.optional() }).strict(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('kriptomat.status_read'),
      ...envelope,
      data: z
        .object({ status: z.enum(KYC_STATUSES), eddStatus: z.string().regex(EDD_STATUS_PATTERN).optional() })
        .strict(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('sumsub.review_read'),
      ...envelope,
      data: z
        .object({
          reviewAnswer: z.enum(REVIEW_ANSWERS).optional(),
          rejectType: z.enum(REJECT_TYPES).optional(),
          rejectLabels: z.array(label).max(20).optional(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('kriptomat.import'),
      ...envelope,
      data: z.object({ result: label }).strict(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('case.phase_changed'),
      ...envelope,
      data: z.object({ from: z.enum(CASE_PHASES), to: z.enum(CASE_PHASES) }).strict(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('case.decided'),
      ...envelope,
      data: z.object({ outcome: z.enum(CASE_OUTCOMES) }).strict(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('case.ended'),
      ...envelope,
      data: z.object({ outcome: z.enum(CASE_OUTCOMES) }).strict(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('case.failed'),
      ...envelope,
      data: z.object({ errorType: label }).strict(),
      text: z.object({ message: freeText }).strict().optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('operator.action'),
      ...envelope,
      data: z.object({ operator, action: z.enum(['retry', 'cancel', 'recheck', 'erase']) }).strict(),
      text: z.object({ reason: freeText }).strict().optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('notification.sent'),
      ...envelope,
      data: z.object({ eventType: label, deliveryId: label.optional() }).strict(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('erasure.requested'),
      ...envelope,
      data: z.object({ eraseAfter: z.iso.datetime() }).strict(),
    })
    .strict(),
  z.object({ kind: z.literal('erasure.done'), ...envelope, data: z.object({}).strict() }).strict(),
] as const;

export const auditRecordSchema = z.discriminatedUnion('kind', kinds);
/** A record as a writer gives it, before sealing. */
export type AuditRecord = z.infer<typeof auditRecordSchema>;
export type AuditRecordKind = AuditRecord['kind'];
