import {
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  log,
  metricMeter,
  setHandler,
} from '@temporalio/workflow';
import { z } from 'zod';
import type { KycCaseState, OperatorAction, SumsubEvent } from '../domain';
import {
  isOutcome,
  OPERATOR_PATTERN,
  isSumsubReviewEventType,
  isUntrustedPayload,
  MAX_CASE_TEXT_LENGTH,
  plainText,
  REJECT_TYPES,
  REVIEW_ANSWERS,
  REVIEW_STATUSES,
  reviewFromEvent,
  UNNAMED_OPERATOR,
} from '../domain';
import type { KycCase } from './kyc-case-state';

/**
 * The case's messages: what callers send, and how the case takes each one (`handleMessages`, below). Callers
 * (API, CLI, tests) import these constants rather than spelling names, so a rename cannot leave a caller
 * talking to nothing.
 */

/** The whole case state: phase, statuses, review, last error, phase history. */
export const getStateQuery = defineQuery<KycCaseState>('getState');

/** Read now instead of at the next scheduled read (e.g. after Kriptomat's own callback). Fire and forget. */
export const recheckSignal = defineSignal('recheck');

/**
 * Read now and answer with the state after the read. Refused (validator) once the case has ended; in a
 * phase that does not read on a schedule, answers at once with the current state.
 */
export const recheckUpdate = defineUpdate<KycCaseState>('recheck');

/**
 * A SumSub review event about this user's applicant: wakes the case to read the review from SumSub, and that
 * read decides. Forged, duplicated, late or out-of-order events are harmless; invalid input is dropped.
 */
export const sumsubEventSignal = defineSignal<[SumsubEvent]>('sumsubEvent');

/** An operator fixed what parked the case in `needs_attention`: run the failed step again. */
export const retrySignal = defineSignal('retry');

export interface CancelRequest {
  reason: string;
}

/**
 * End the case as `cancelled`, whatever phase it is in. The reason is kept as one line of plain text of at most
 * `MAX_CASE_TEXT_LENGTH` characters (domain/plain-text.ts).
 */
export const cancelSignal = defineSignal<[CancelRequest]>('cancel');

// Operator actions that name who asked (the API's key, the CLI's operator): updates, so the caller learns that
// the case took the action, and the trail holds who asked, what and why before the case acts. The signals
// above stay for the Temporal UI; the trail names their sender `temporal-ui`.

/** Who asks: `api.<key name>`, `cli.<operator>` (domain/operator.ts). */
export interface OperatorRequest {
  by: string;
}

/** `cancel`, naming who asks and why (plain text, as for the `cancel` signal). */
export interface OperatorCancelRequest extends OperatorRequest {
  reason: string;
}

/** `retry`, naming who asks (and why, if they say). */
export interface OperatorRetryRequest extends OperatorRequest {
  reason?: string;
}

/** Ends the case as `cancelled`; answers once the cancel is recorded and the case was told. Refused once ended. */
export const operatorCancelUpdate = defineUpdate<void, [OperatorCancelRequest]>('operatorCancel');

/**
 * Runs the parked step again; answers once recorded and the case was told (a no-op outside
 * `needs_attention`, as the `retry` signal). Refused once ended.
 */
export const operatorRetryUpdate = defineUpdate<void, [OperatorRetryRequest]>('operatorRetry');

/** The `recheck` update, naming who asks: the same update, with its one argument. */
export const operatorRecheckUpdate = defineUpdate<KycCaseState, [OperatorRequest]>('recheck');

// How the case takes them

/**
 * `sumsubEvent`: the receiver sends `{type, applicantId, createdAt}`. Signals recorded in runs without the
 * `review-read-decides-1` patch also carry the review (`reviewStatus`, ...), and only those runs fold it in.
 */
const sumsubEventInput = z.object({
  type: z.string().min(1).max(100),
  applicantId: z.string().min(1).max(100),
  createdAt: z.string().max(40),
  reviewStatus: z.enum(REVIEW_STATUSES).nullable().optional(),
  reviewAnswer: z.enum(REVIEW_ANSWERS).nullable().optional(),
  rejectType: z.enum(REJECT_TYPES).nullable().optional(),
});
type SumsubEventInput = z.infer<typeof sumsubEventInput>;

/** Created at the drop: callers import this module outside a workflow, where no metric can be created. */
function countDropped(signal: string, reason: 'untrusted' | 'invalid'): void {
  metricMeter
    .createCounter(
      'kyc_dropped_messages',
      'messages',
      'Signals dropped unread: untrusted (not encrypted by the engine) or invalid input',
    )
    .add(1, { signal, reason });
}

/** `cancel`: the Temporal UI and CLI may send it without input; a reason, when given, is plain text. */
const cancelInput = z.union([z.undefined(), z.null(), z.object({ reason: z.string().optional() })]);

const operator = z.string().regex(OPERATOR_PATTERN);
const operatorCancelInput = z.object({ by: operator, reason: z.string().max(10_000) });
const operatorRetryInput = z.object({ by: operator, reason: z.string().max(10_000).optional() });
/** `recheck` was sent without input before it named anyone: such a caller is recorded unnamed. */
const recheckInput = z.union([z.undefined(), z.null(), z.object({ by: operator })]);

/**
 * Registers the case's message handlers; call before the first await so no message is lost. Each records
 * what arrived through a `KycCase` transition and the steps act on it. No message carries anything the case
 * acts on: a webhook only wakes the case to read SumSub, whose answer decides.
 *
 * @param readDecides whether this run treats webhooks as hints only (patches.ts); a run without the patch
 *   still folds the review a webhook carried, as it did when it was recorded.
 */
export function handleMessages(kase: KycCase, readDecides: boolean): void {
  setHandler(getStateQuery, () => kase.state);
  setHandler(recheckSignal, () => kase.askRecheck());
  const open = () => {
    if (isOutcome(kase.state.phase)) throw new Error(`the case has already ended ${kase.state.phase}`);
  };
  // One handler for `recheck`, typed with its argument: a caller without a name (`recheckUpdate`) sends none,
  // so the input is parsed as unknown.
  setHandler(
    operatorRecheckUpdate,
    (input: unknown) => {
      if (!kase.audited) return readNow(kase);
      const by = recheckInput.parse(input)?.by ?? UNNAMED_OPERATOR;
      return actFor(kase, by, 'recheck', undefined, () => readNow(kase));
    },
    { validator: (input: unknown) => (open(), trusted(recheckInput, input)) },
  );
  setHandler(
    operatorCancelUpdate,
    (input) => {
      const { by, reason } = operatorCancelInput.parse(input);
      const text = plainText(reason, MAX_CASE_TEXT_LENGTH);
      return actFor(kase, by, 'cancel', text, () => kase.cancel(text));
    },
    { validator: (input) => (open(), trusted(operatorCancelInput, input)) },
  );
  setHandler(
    operatorRetryUpdate,
    (input) => {
      const { by, reason } = operatorRetryInput.parse(input);
      const text = plainText(reason ?? '', MAX_CASE_TEXT_LENGTH);
      return actFor(kase, by, 'retry', text, () => kase.askRetry());
    },
    { validator: (input) => (open(), trusted(operatorRetryInput, input)) },
  );
  setHandler(retrySignal, () => {
    if (!kase.audited) return kase.askRetry();
    return actFor(kase, UNNAMED_OPERATOR, 'retry', undefined, () => kase.askRetry());
  });
  // The input is optional in practice: the Temporal UI and CLI can signal `cancel` without one.
  setHandler(cancelSignal, (input: unknown) => {
    const request = accept(kase, 'cancel', cancelInput, input);
    if (request === null) return;
    const reason = plainText(request?.reason ?? '', MAX_CASE_TEXT_LENGTH);
    if (!kase.audited) return kase.cancel(reason);
    return actFor(kase, UNNAMED_OPERATOR, 'cancel', reason, () => kase.cancel(reason));
  });
  setHandler(sumsubEventSignal, (input: unknown) => {
    const event = accept(kase, 'sumsubEvent', sumsubEventInput, input);
    if (event === null) return;
    kase.countSumsubEvent();
    takeEvent(kase, event, readDecides);
    kase.showDetails();
  });
}

/**
 * An operator's action: recorded in the audit trail, written, and only then taken, so the trail never lacks
 * the request behind what the case did. An action on a case that has ended (a signal arriving late) is taken
 * as before and not recorded: it changes nothing. A run without the trail just acts.
 */
async function actFor<T>(
  kase: KycCase,
  by: string,
  action: OperatorAction,
  reason: string | undefined,
  act: () => T | Promise<T>,
): Promise<T> {
  if (kase.audited && !isOutcome(kase.state.phase)) {
    kase.recordOperator(by, action, reason || undefined);
    await kase.flushAudit();
  }
  return act();
}

/** An update's input, refused at the door (the update is rejected, nothing in history) unless trusted and valid. */
function trusted(schema: z.ZodType, input: unknown): void {
  if (isUntrustedPayload(input)) throw new Error('the update was not encrypted by the engine');
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new Error(
      `invalid update input: ${parsed.error.issues.map((i) => i.path.join('.') || '(input)').join(', ')}`,
    );
}

/**
 * A review event about this case's applicant (or before the applicant is known) asks for a read. Only in a
 * run without the `review-read-decides-1` patch does a signal that still carries a review fold it in.
 */
function takeEvent(kase: KycCase, event: SumsubEventInput, readDecides: boolean): void {
  if (!readDecides && event.reviewStatus !== undefined) {
    const review = reviewFromEvent({ ...event, reviewStatus: event.reviewStatus }, new Date().toISOString());
    if (review) kase.learnReview(review);
  } else if (isSumsubReviewEventType(event.type)) kase.hintReview(event.applicantId);
}

/**
 * A signal is in history before any code sees it, so it cannot be refused at the door: every handler parses
 * its input here and drops what it cannot trust (a payload the codec marked untrusted: plaintext, or failing
 * authentication) or what breaks its schema. A dropped message leaves the case exactly as it was; it is
 * counted in the state and in `kyc_dropped_messages`, and logged by name and reason only, never its content.
 *
 * Returns the parsed input, or null when the message was dropped.
 */
function accept<T>(kase: KycCase, signal: string, schema: z.ZodType<T>, input: unknown): T | null {
  const untrusted = isUntrustedPayload(input);
  const parsed = untrusted ? null : schema.safeParse(input);
  if (parsed?.success) return parsed.data;
  const reason = untrusted ? 'untrusted' : 'invalid';
  kase.countDroppedMessage();
  countDropped(signal, reason);
  log.warn('dropped a message the case cannot trust', {
    signal,
    reason,
    ...(parsed && { issues: parsed.error.issues.map((issue) => issue.path.join('.') || '(input)') }),
  });
  return null;
}

/** The `recheck` update: asks for a read now and answers once it is done (or the phase moved on). */
async function readNow(kase: KycCase): Promise<KycCaseState> {
  const { state } = kase;
  if (state.phase !== 'awaiting_user' && state.phase !== 'awaiting_kriptomat') return state;
  const [before, phase] = [kase.reads, state.phase];
  kase.askRecheck();
  await condition(() => kase.reads > before || state.phase !== phase);
  return state;
}
