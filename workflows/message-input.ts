import { log, metricMeter } from '@temporalio/workflow';
import { z } from 'zod';
import type { KycCaseState } from '../domain';
import {
  isUntrustedPayload,
  MAX_CASE_TEXT_LENGTH,
  plainText,
  REVIEW_ANSWERS,
  REJECT_TYPES,
  REVIEW_STATUSES,
} from '../domain';

/**
 * A signal is in history before any code sees it, so it cannot be refused at the door: every handler parses
 * its input here and drops what it cannot trust (a payload the codec marked untrusted: plaintext, or failing
 * authentication) or what breaks its schema. A dropped message leaves the case exactly as it was; it is
 * counted in the state and in `kyc_dropped_messages`, and logged by name and reason only, never its content.
 */
const droppedMessages = metricMeter.createCounter(
  'kyc_dropped_messages',
  'messages',
  'Signals dropped unread: untrusted (not encrypted by the engine) or invalid input',
);

/**
 * `sumsubEvent`: the receiver sends `{type, applicantId, createdAt}`. Signals recorded before webhooks became
 * hints also carry the review (`reviewStatus`, ...); only cases that began before then still read it.
 */
const sumsubEventInput = z.object({
  type: z.string().min(1).max(100),
  applicantId: z.string().min(1).max(100),
  createdAt: z.string().max(40),
  reviewStatus: z.enum(REVIEW_STATUSES).nullable().optional(),
  reviewAnswer: z.enum(REVIEW_ANSWERS).nullable().optional(),
  rejectType: z.enum(REJECT_TYPES).nullable().optional(),
});
export type SumsubEventInput = z.infer<typeof sumsubEventInput>;

/** `cancel`: the Temporal UI and CLI may send it without input; a reason, when given, is plain text. */
const cancelInput = z.union([z.undefined(), z.null(), z.object({ reason: z.string().optional() })]);

/** The `sumsubEvent` input, or null when it was dropped. */
export function acceptSumsubEvent(state: KycCaseState, input: unknown): SumsubEventInput | null {
  return accept(state, 'sumsubEvent', sumsubEventInput, input);
}

/** The reason of a `cancel` (empty when none was given), or null when the message was dropped. */
export function acceptCancel(state: KycCaseState, input: unknown): string | null {
  const request = accept(state, 'cancel', cancelInput, input);
  if (request === null) return null;
  return plainText(request?.reason ?? '', MAX_CASE_TEXT_LENGTH);
}

function accept<T>(state: KycCaseState, signal: string, schema: z.ZodType<T>, input: unknown): T | null {
  const reason = isUntrustedPayload(input) ? 'untrusted' : null;
  const parsed = reason ? null : schema.safeParse(input);
  if (parsed?.success) return parsed.data;
  const why = reason ?? 'invalid';
  state.droppedMessages = (state.droppedMessages ?? 0) + 1;
  droppedMessages.add(1, { signal, reason: why });
  log.warn('dropped a message the case cannot trust', {
    signal,
    reason: why,
    ...(parsed && { issues: parsed.error.issues.map((issue) => issue.path.join('.') || '(input)') }),
  });
  return null;
}
