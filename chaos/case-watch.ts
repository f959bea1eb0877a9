import type { Client } from '@temporalio/client';
import { getCase } from '../client/kyc-cases';
import { caseListQuery, isOutcome, KYC_PHASE, userIdFromWorkflowId } from '../domain';
import type { CasePhase } from '../domain';
import type { RequestLog } from '../sandbox/shared/request-log';
import type { PlannedCase } from './expected-ends';
import { EXPECTED_ENDS } from './expected-ends';
import { sleep, withRetries } from './waits';

const POLL_MS = 2_000;

/** A case as visibility shows it: the phase of its latest run and whether that run still runs. */
interface Seen {
  phase: string | null;
  workflowStatus: string;
}

/** At its expected end by visibility: completed in the expected outcome, or still running, parked. */
function atExpectedEnd(planned: PlannedCase, seen: Seen | undefined): boolean {
  const expected = EXPECTED_ENDS[planned.scenario].phase;
  if (!seen || seen.phase !== expected) return false;
  return isOutcome(expected) ? seen.workflowStatus === 'COMPLETED' : seen.workflowStatus === 'RUNNING';
}

/** Ended somewhere else: completed in another outcome, or failed or terminated. Waiting longer cannot help. */
function endedElsewhere(planned: PlannedCase, seen: Seen | undefined): boolean {
  return seen !== undefined && seen.workflowStatus !== 'RUNNING' && !atExpectedEnd(planned, seen);
}

/**
 * Polls the case list (the search attributes operators filter by, as `kyc list` reads them) until every
 * case is at its expected end or has ended elsewhere, or `boundAt` passes. Errors while the Temporal server
 * is down are expected: the next poll tries again. Resolves with how many cases were still on their way.
 */
export async function waitForExpectedEnds(
  client: Client,
  planned: readonly PlannedCase[],
  boundAt: number,
  progress: (settled: number, total: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  let open = planned.length;
  let lastReported = -1;
  for (;;) {
    try {
      const seen = await listLatestRuns(client);
      open = planned.filter((p) => {
        const view = seen.get(p.userId);
        return !atExpectedEnd(p, view) && !endedElsewhere(p, view);
      }).length;
      if (open !== lastReported) progress(planned.length - open, planned.length);
      lastReported = open;
      if (open === 0) return 0;
    } catch {
      // The server is down or restarting: keep polling until the bound.
    }
    if (Date.now() >= boundAt) return open;
    await sleep(POLL_MS, signal);
  }
}

/** Every case's latest run as the case list shows it (the query `kyc list` and the API's list use). */
async function listLatestRuns(client: Client): Promise<Map<string, Seen>> {
  const seen = new Map<string, Seen>();
  for await (const execution of client.workflow.list({ query: caseListQuery({}), pageSize: 1000 })) {
    const userId = userIdFromWorkflowId(execution.workflowId);
    const phase = execution.typedSearchAttributes.get(KYC_PHASE) ?? null;
    // Newest first: a later row of the same user is an older run.
    if (userId !== null && !seen.has(userId))
      seen.set(userId, { phase, workflowStatus: execution.status.name });
  }
  return seen;
}

/** The verdict on one case, from its own state (the workflow's result, or a query while it runs). */
export interface CaseVerdict {
  userId: string;
  scenario: PlannedCase['scenario'];
  expected: CasePhase;
  /** Where it is: its phase, or `unreadable` when the state could not be read. */
  phase: string;
  workflowStatus: string;
  imports: number;
  /** Workflow runs (continue-as-new) the case went through. */
  runs: number;
  /** From the case's start to its last phase change (its end, for an ended case). */
  durationMs: number;
  /** Partner notifications the case numbered (`state.notifications`), and its outcome once it ended. */
  notifications: number;
  outcome: string | null;
  /** What is wrong with it; empty when the case is where its scenario says. */
  problems: string[];
}

/**
 * Reads every case's own state and checks it against its scenario: the phase (or outcome), the EDD status
 * reported, why a parked case is parked, and how many times Kriptomat imported the user (from the simulator's
 * request log: successful imports, whatever the engine believes).
 */
export async function verifyCases(
  client: Client,
  planned: readonly PlannedCase[],
  log: RequestLog,
): Promise<CaseVerdict[]> {
  const verdicts: CaseVerdict[] = [];
  const queue = [...planned];
  const readOne = async (p: PlannedCase): Promise<CaseVerdict> => {
    const expected = EXPECTED_ENDS[p.scenario];
    const imports = log.importsOf(p.userId);
    const base = { userId: p.userId, scenario: p.scenario, expected: expected.phase, imports };
    const problems: string[] = [];
    if (imports !== expected.imports)
      problems.push(`imported ${imports} times, expected ${expected.imports}`);
    let view;
    try {
      view = await withRetries(() => getCase(client, p.userId));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const unread = {
        ...{ phase: 'unreadable', workflowStatus: 'unknown', runs: 0, durationMs: 0 },
        ...{ notifications: 0, outcome: null },
      };
      return { ...base, ...unread, problems: [reason] };
    }
    const { state, workflowStatus } = view;
    const running = workflowStatus === 'RUNNING';
    if (state.phase !== expected.phase) problems.push(`in ${state.phase}, expected ${expected.phase}`);
    else if (isOutcome(expected.phase) === running) problems.push(`workflow ${workflowStatus}`);
    if (expected.eddStatus && state.eddStatus !== expected.eddStatus)
      problems.push(`EDD ${state.eddStatus ?? 'none'}, expected ${expected.eddStatus}`);
    if (expected.parkedFor && state.lastError?.type !== expected.parkedFor)
      problems.push(`parked for ${state.lastError?.type ?? 'nothing'}, expected ${expected.parkedFor}`);
    const lastChange = state.phases[state.phases.length - 1]?.at ?? state.startedAt;
    const durationMs = Date.parse(lastChange) - Date.parse(state.startedAt);
    const { notifications, outcome } = state;
    return {
      ...base,
      ...{ phase: state.phase, workflowStatus, runs: state.runs, durationMs, notifications, outcome },
      problems,
    };
  };
  // A few at a time: each running case is a query the worker answers.
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) verdicts.push(await readOne(next));
    }),
  );
  const order = new Map(planned.map((p, index) => [p.userId, index]));
  return verdicts.sort((a, b) => (order.get(a.userId) ?? 0) - (order.get(b.userId) ?? 0));
}
