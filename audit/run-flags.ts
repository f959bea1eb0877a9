import type { StoredBody } from './body';
import type { RunRef, RunWorkflow } from './records';

/**
 * How an execution that wrote a chain was ended or replaced outside the engine. Not tampering: the rows verify;
 * the flag says the trail of that run may stop short of what the engine would have recorded.
 * - `reset`: the run was made by a Temporal reset (its original run differs); known from the trail alone.
 * - `terminated`, `cancelled`, `timed-out`: Temporal closed the run so, and the chain holds no closing record of it.
 * - `unclosed`: the chain's latest case run has no closing record and Temporal no longer knows the run.
 */
export const RUN_FLAGS = ['reset', 'terminated', 'cancelled', 'timed-out', 'unclosed'] as const;
export type RunFlagKind = (typeof RUN_FLAGS)[number];
/** The flags Temporal's own status tells (visibility's `Terminated`, `Canceled`, `TimedOut`). */
export type EndedOutside = Extract<RunFlagKind, 'terminated' | 'cancelled' | 'timed-out'>;

export interface RunFlag {
  runId: string;
  flag: RunFlagKind;
  /** Which of the engine's workflows the run belongs to, when known. */
  workflow?: RunWorkflow;
}

/**
 * The kind of record that closes a run of each workflow the engine ends itself. The case ends with
 * `case.ended` (also when an operator cancels it through the engine: that is a completed run, not a
 * cancelled one); the watch ends only by a cancellation and writes no closing record.
 */
const CLOSING_KIND = 'case.ended';

/** What a chain's rows say of the runs that wrote them, gathered while they are verified. */
export class RunScan {
  private readonly resets = new Map<string, RunFlag>();
  private readonly closed = new Set<string>();
  private latestCaseRun: string | undefined;

  /** Takes one verified row's body, in chain order. */
  take(body: Pick<StoredBody, 'kind' | 'run'>): void {
    const { run } = body;
    if (!run) return;
    if (run.original !== undefined && !this.resets.has(run.id))
      this.resets.set(run.id, { runId: run.id, flag: 'reset', workflow: run.workflow });
    if (body.kind === CLOSING_KIND) this.closed.add(run.id);
    if (run.workflow === 'case') this.latestCaseRun = run.id;
  }

  /** `reset` flags, one per reset run, in the order their first rows were written. */
  get flags(): RunFlag[] {
    return [...this.resets.values()];
  }

  /** The chain's latest case run when it has no closing record: ended outside the engine, or still running. */
  get openRun(): string | undefined {
    const run = this.latestCaseRun;
    return run !== undefined && !this.closed.has(run) ? run : undefined;
  }
}

/** The run ids that wrote a closing record, among a trail's entries. */
export function closedRuns(entries: readonly { kind: string; run?: RunRef }[]): Set<string> {
  const closed = new Set<string>();
  for (const { kind, run } of entries) if (run && kind === CLOSING_KIND) closed.add(run.id);
  return closed;
}

/** One of the engine's executions Temporal closed itself (terminated, cancelled, timed out). */
export interface EndedExecution {
  runId: string;
  workflow: RunWorkflow;
  how: EndedOutside;
}

/**
 * The flags of executions Temporal closed, for the chain whose trail `entries` are (the chain of their user):
 * each, unless the chain holds the engine's own closing record of that run (it ended the case, and Temporal
 * closed the run only afterwards).
 */
export function endedFlags(
  entries: readonly { kind: string; run?: RunRef }[],
  ended: readonly EndedExecution[],
): RunFlag[] {
  const closed = closedRuns(entries);
  return ended
    .filter((execution) => !closed.has(execution.runId))
    .map(({ runId, workflow, how }) => ({ runId, flag: how, workflow }));
}

/** The `unclosed` flag of a chain whose open run (`ChainReport.openRun`) Temporal does not know. */
export function unclosedFlag(openRun: string | undefined, unknownRuns: ReadonlySet<string>): RunFlag[] {
  return openRun !== undefined && unknownRuns.has(openRun)
    ? [{ runId: openRun, flag: 'unclosed', workflow: 'case' }]
    : [];
}
