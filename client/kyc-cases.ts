import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type {
  CaseTimings,
  CaseWatchRequest,
  KycCaseInput,
  KycCaseState,
  SumsubEvent,
  WatchRecheckReason,
  WatchState,
} from '../domain';
import { isValidUserId, KYC_PHASE, kycWorkflowId, watchWorkflowId } from '../domain';
import type { approvedUserWatch } from '../workflows/approved-user-watch';
import type { kycCase } from '../workflows/kyc-case';
import { getWatchStateQuery, watchRecheckSignal } from '../workflows/watch-messages';
import {
  cancelSignal,
  getStateQuery,
  operatorCancelUpdate,
  operatorRecheckUpdate,
  operatorRetryUpdate,
  recheckSignal,
  recheckUpdate,
  retrySignal,
  sumsubEventSignal,
} from '../workflows/messages';
import { CaseClosedError, CaseNotFoundError, InvalidUserIdError } from './case-errors';

export type KycCaseHandle = WorkflowHandleWithFirstExecutionRunId<typeof kycCase>;

export interface StartCaseOptions {
  taskQueue: string;
  /** Timings of a new case; ignored when joining a case that already runs. */
  timings?: Partial<CaseTimings>;
  /**
   * Set to have a new case start its user's watch once it ends `approved` (`watchRequestFrom`); ignored when
   * joining a case that already runs.
   */
  watch?: CaseWatchRequest;
}

/**
 * The watch request of new cases: what the start asked (`true` or `false`), else `KYC_WATCH_APPROVED`; a
 * request uses the default schedule.
 */
export function watchRequestFrom(
  config: { KYC_WATCH_APPROVED?: boolean },
  asked?: boolean,
): CaseWatchRequest | undefined {
  return (asked ?? config.KYC_WATCH_APPROVED) ? {} : undefined;
}

/** A case as callers see it: the workflow's own state, and whether its workflow still runs. */
export interface CaseView {
  /** `RUNNING`, `COMPLETED`, or how a workflow ended abnormally (`TERMINATED`, `FAILED`, ...). */
  workflowStatus: string;
  state: KycCaseState;
}

/**
 * Starts the case of `userId`, or joins it when it already runs: the workflow id is the user's, and the
 * `USE_EXISTING` conflict policy makes a second start a no-op, so signup flows may call this repeatedly.
 */
export async function startOrJoinCase(
  client: Client,
  userId: string,
  options: StartCaseOptions,
): Promise<KycCaseHandle> {
  return client.workflow.start<typeof kycCase>('kycCase', startOptions(userId, options, 'USE_EXISTING'));
}

/**
 * Starts the case of `userId` and says whether it started it or found it running: one call, for backfills
 * that report the two apart. A case that already ended starts afresh, as with `startOrJoinCase`.
 */
export async function startCase(
  client: Client,
  userId: string,
  options: StartCaseOptions,
): Promise<'started' | 'joined'> {
  try {
    await client.workflow.start<typeof kycCase>('kycCase', startOptions(userId, options, 'FAIL'));
    return 'started';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'joined';
    throw error;
  }
}

function startOptions(userId: string, options: StartCaseOptions, conflict: 'USE_EXISTING' | 'FAIL') {
  if (!isValidUserId(userId)) throw new InvalidUserIdError(userId);
  return {
    workflowId: kycWorkflowId(userId),
    taskQueue: options.taskQueue,
    args: [{ userId, timings: options.timings, ...(options.watch && { watch: options.watch }) }] as [
      KycCaseInput,
    ],
    workflowIdConflictPolicy: conflict,
    typedSearchAttributes: [{ key: KYC_PHASE, value: 'checking' }],
    staticSummary: `KYC case of Kriptomat user ${userId}`,
  };
}

/** The live state of a user's case (running or finished). */
export async function getCaseState(client: Client, userId: string): Promise<KycCaseState> {
  return (await getCase(client, userId)).state;
}

/**
 * The case of `userId`. A finished case answers with its result (no worker needed); a running one is
 * queried, so the answer is as fresh as the workflow's own state.
 */
export async function getCase(client: Client, userId: string): Promise<CaseView> {
  const handle = caseHandle(client, userId);
  return withCaseErrors(userId, async () => {
    const { status } = await handle.describe();
    const state = status.name === 'COMPLETED' ? await handle.result() : await handle.query(getStateQuery);
    return { workflowStatus: status.name, state };
  });
}

/**
 * Throws `CaseNotFoundError` unless the user has a case, and `CaseClosedError` once it has ended; needs no
 * worker (a describe, not a query).
 */
export async function assertCaseOpen(client: Client, userId: string): Promise<void> {
  const { status } = await withCaseErrors(userId, () => caseHandle(client, userId).describe());
  if (status.name !== 'RUNNING') throw new CaseClosedError(userId, `the case has ended (${status.name})`);
}

/**
 * Who acts on a case (domain/operator.ts: `api.<key name>`, `cli.<operator>`). Given, the action is an update
 * that carries the name: the case records it in the audit trail before it acts, and the call returns once it
 * has. Without a name (tools that act on the engine's behalf), the action is the plain signal or update.
 */
export interface OperatorOptions {
  by?: string;
}

/** Looks at the user's status now and answers with the state after the look; refused once the case ended. */
export async function recheckCase(
  client: Client,
  userId: string,
  { by }: OperatorOptions = {},
): Promise<KycCaseState> {
  const handle = caseHandle(client, userId);
  const update = () =>
    by
      ? handle.executeUpdate(operatorRecheckUpdate, { args: [{ by }] })
      : handle.executeUpdate(recheckUpdate);
  return withCaseErrors(userId, update, handle);
}

/**
 * Resumes a case parked in `needs_attention` at the step that failed; a no-op in any other phase. Named, it is
 * refused once the case has ended.
 */
export async function retryCase(client: Client, userId: string, { by }: OperatorOptions = {}): Promise<void> {
  const handle = caseHandle(client, userId);
  const send = () =>
    by ? handle.executeUpdate(operatorRetryUpdate, { args: [{ by }] }) : handle.signal(retrySignal);
  await withCaseErrors(userId, send, handle);
}

/**
 * Ends the case as `cancelled`. The reason is kept in the (encrypted) history and, sealed, in the audit trail:
 * no personal data in it.
 */
export async function cancelCase(
  client: Client,
  userId: string,
  reason: string,
  { by }: OperatorOptions = {},
): Promise<void> {
  const handle = caseHandle(client, userId);
  const send = () =>
    by
      ? handle.executeUpdate(operatorCancelUpdate, { args: [{ by, reason }] })
      : handle.signal(cancelSignal, { reason });
  await withCaseErrors(userId, send, handle);
}

/**
 * Asks the user's case, if it runs, to read Kriptomat again now (Kriptomat's webhook). False when there is no
 * case to take it.
 */
export function recheckIfRunning(client: Client, userId: string): Promise<boolean> {
  return signalCaseIfRunning(client, userId, recheckSignal);
}

/** Hands a SumSub webhook's hint to the user's case, if it runs. False when there is no case to take it. */
export function sendSumsubEventIfRunning(
  client: Client,
  userId: string,
  event: SumsubEvent,
): Promise<boolean> {
  return signalCaseIfRunning(client, userId, sumsubEventSignal, event);
}

/**
 * Asks the user's watch, if it runs, to read Kriptomat now (a vendor webhook about an approved user whose case
 * has ended). Carries the reason only. False when there is no watch to take it.
 */
export async function recheckWatchIfRunning(
  client: Client,
  userId: string,
  reason: WatchRecheckReason,
): Promise<boolean> {
  try {
    await client.workflow.getHandle(watchWorkflowId(userId)).signal(watchRecheckSignal, { reason });
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** A watch as callers see it: its workflow's status, and its state while it runs. */
export interface WatchView {
  /** `RUNNING`, or how it ended (`CANCELED`, `TERMINATED`, ...). */
  workflowStatus: string;
  /** The watch's own state; null once it has ended (a closed watch is not queried: that needs a worker). */
  state: WatchState | null;
}

/** The watch of `userId`, or null when the user has none (never approved with a watch). */
export async function getWatch(client: Client, userId: string): Promise<WatchView | null> {
  if (!isValidUserId(userId)) throw new InvalidUserIdError(userId);
  const handle = client.workflow.getHandle<typeof approvedUserWatch>(watchWorkflowId(userId));
  try {
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') return { workflowStatus: status.name, state: null };
    return { workflowStatus: status.name, state: await handle.query(getWatchStateQuery) };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}

/**
 * What the engine holds about a user: the case and, beside it, the watch. An approved user's watch runs for
 * months, while Temporal deletes a closed case's execution once the namespace's retention has passed: such a
 * user is answered by the watch alone (`case: null`), not as unknown. Invariant: `case` and `watch` are never
 * both null.
 */
export type CaseAndWatch = { case: CaseView; watch: WatchView | null } | { case: null; watch: WatchView };

/**
 * The case of `userId` and its watch, read side by side. Throws `CaseNotFoundError` only when the user has
 * neither: a watch without its case means the case's history is no longer held, not that the user is unknown.
 */
export async function getCaseAndWatch(client: Client, userId: string): Promise<CaseAndWatch> {
  const [caseView, watch] = await Promise.all([
    getCase(client, userId).catch((error: unknown) => {
      if (error instanceof CaseNotFoundError) return null;
      throw error;
    }),
    getWatch(client, userId),
  ]);
  if (caseView) return { case: caseView, watch };
  if (watch) return { case: null, watch };
  throw new CaseNotFoundError(userId);
}

/**
 * Whether Temporal still holds the user's case: `expired` when only the watch is left (the closed case's
 * execution was deleted by the namespace's retention).
 */
export type CaseHistory = 'held' | 'expired';

/**
 * The case and its watch as the API and `kyc status --json` answer them: the case's state at the top level with
 * `caseHistory: 'held'`; or, the case no longer held, the user id, `caseHistory: 'expired'` and the watch.
 */
export function caseAndWatchBody(userId: string, view: CaseAndWatch) {
  if (view.case === null) return { userId, caseHistory: 'expired' as const, watch: view.watch };
  const { workflowStatus, state } = view.case;
  return { workflowStatus, ...state, caseHistory: 'held' as const, ...(view.watch && { watch: view.watch }) };
}

/** Ends the user's watch (a cancellation: the changes it has seen still reach the partner). False when none runs. */
export async function stopWatch(client: Client, userId: string): Promise<boolean> {
  if (!isValidUserId(userId)) throw new InvalidUserIdError(userId);
  try {
    await client.workflow.getHandle(watchWorkflowId(userId)).cancel();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/**
 * Signals the user's case if it runs. False when there is none to take it (never started, or already ended):
 * webhooks about such users are answered, not refused, so their sender stops redelivering.
 */
async function signalCaseIfRunning<Args extends unknown[]>(
  client: Client,
  userId: string,
  signal: SignalDefinition<Args>,
  ...args: Args
): Promise<boolean> {
  try {
    await client.workflow.getHandle(kycWorkflowId(userId)).signal(signal, ...args);
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

function caseHandle(client: Client, userId: string) {
  if (!isValidUserId(userId)) throw new InvalidUserIdError(userId);
  return client.workflow.getHandle<typeof kycCase>(kycWorkflowId(userId));
}

/**
 * Temporal's errors in the case's words: no workflow is `CaseNotFoundError`, a refused update `CaseClosedError`.
 * A signal or update sent to a workflow that has closed fails as NOT_FOUND ("workflow execution already
 * completed"), like one sent to no workflow at all; for those calls `closedCheck` tells the two apart, so a
 * finished case answers `CaseClosedError` (409) and only a user without a case `CaseNotFoundError` (404).
 */
async function withCaseErrors<T>(
  userId: string,
  call: () => Promise<T>,
  closedCheck?: Pick<KycCaseHandle, 'describe'>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      const closed = closedCheck && (await closedStatus(closedCheck));
      if (closed) throw new CaseClosedError(userId, `the case has already ended (${closed})`);
      throw new CaseNotFoundError(userId);
    }
    if (error instanceof WorkflowUpdateFailedError) {
      throw new CaseClosedError(userId, error.cause?.message ?? error.message);
    }
    throw error;
  }
}

/** The status of the case's workflow when it exists and has closed, else null. */
async function closedStatus(handle: Pick<KycCaseHandle, 'describe'>): Promise<string | null> {
  try {
    const { status } = await handle.describe();
    return status.name === 'RUNNING' ? null : status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}
