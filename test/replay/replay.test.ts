import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { z } from 'zod';
import { CASE_PHASES, isOutcome, KYC_PHASE } from '../../domain';
import type { CasePhase } from '../../domain';
import { testWorkflowSource } from '../helpers/temporal';

/**
 * Replays the saved histories of representative cases with today's workflow code. A change that would make
 * an in-flight case take a different path (a non-determinism error) fails here, before it reaches a worker.
 * Intended changes go behind `patched()`; see "Changing the workflow safely" in the README.
 */
const HISTORIES = path.join(__dirname, 'histories');

const searchAttributesHolder = z.object({
  searchAttributes: z
    .object({ indexedFields: z.record(z.string(), z.object({ data: z.string() })).optional() })
    .optional(),
});

async function savedHistories() {
  const files = (await fs.readdir(HISTORIES)).filter((file) => file.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: JSON.parse(await fs.readFile(path.join(HISTORIES, file), 'utf8')) as unknown,
    })),
  );
}

const historyEventsSchema = z.object({
  events: z.array(
    z.object({
      eventType: z.string(),
      workflowExecutionStartedEventAttributes: searchAttributesHolder.optional(),
      upsertWorkflowSearchAttributesEventAttributes: searchAttributesHolder.optional(),
    }),
  ),
});

/** The `KycPhase` values a history set, in order (search attributes are never encrypted, so they read as is). */
function phasesOf(history: unknown): CasePhase[] {
  const phases: CasePhase[] = [];
  for (const event of historyEventsSchema.parse(history).events) {
    const attributes =
      event.workflowExecutionStartedEventAttributes ?? event.upsertWorkflowSearchAttributesEventAttributes;
    const payload = attributes?.searchAttributes?.indexedFields?.[KYC_PHASE.name];
    if (payload) phases.push(JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) as CasePhase);
  }
  return phases;
}

describe('saved case histories', () => {
  it('hold a case passing through every phase, and a case still open in each open phase', async () => {
    const histories = await savedHistories();
    const passedThrough = new Set(histories.flatMap(({ history }) => phasesOf(history)));
    expect(CASE_PHASES.filter((phase) => !passedThrough.has(phase))).toEqual([]);

    // An open case's history is the one a restarted worker replays, so each open phase needs one that ends there.
    const openAt = histories
      .filter(({ workflowId }) => workflowId.startsWith('in-flight-'))
      .map(({ history }) => phasesOf(history).at(-1));
    const missing = CASE_PHASES.filter((phase) => !isOutcome(phase) && !openAt.includes(phase));
    expect(missing).toEqual([]);
  });

  it('cover every way a case ends and continue-as-new', async () => {
    const histories = await savedHistories();
    const text = histories.map(({ history }) => JSON.stringify(history)).join('\n');
    for (const type of ['COMPLETED', 'CONTINUED_AS_NEW', 'SIGNALED', 'UPDATE_ACCEPTED', 'TIMER_FIRED']) {
      expect(text).toContain(
        `EVENT_TYPE_WORKFLOW_EXECUTION_${type}`.replace('WORKFLOW_EXECUTION_TIMER', 'TIMER'),
      );
    }
  });

  it('replay with the current workflow code without a non-determinism error', async () => {
    const histories = await savedHistories();
    const results = [];
    for await (const result of Worker.runReplayHistories(testWorkflowSource(), histories)) {
      results.push({ workflowId: result.workflowId, error: result.error?.message ?? null });
    }
    expect(results).toEqual(histories.map(({ workflowId }) => ({ workflowId, error: null })));
  });
});
