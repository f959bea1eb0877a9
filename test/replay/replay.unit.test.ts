import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { z } from 'zod';
import { CASE_PHASES, isOutcome, KYC_PHASE } from '../../domain';
import type { CasePhase } from '../../domain';
import { testWorkflowSource } from '../helpers/test-worker';
import { GENERATION } from './generation';

/**
 * Replays the saved histories of representative cases with today's workflow code. A change that would make
 * an in-flight case take a different path (a non-determinism error) fails here, before it reaches a worker.
 * Intended changes go behind `patched()`; see docs/changing-the-workflow.md.
 */
const HISTORIES = path.join(__dirname, 'histories');

const searchAttributesHolder = z.object({
  searchAttributes: z
    .object({ indexedFields: z.record(z.string(), z.object({ data: z.string() })).optional() })
    .optional(),
});

/** Every saved history, of every generation (a folder each, see record-histories.ts), named `generation/story`. */
async function savedHistories() {
  const files = (await fs.readdir(HISTORIES, { recursive: true }))
    .filter((file) => file.endsWith('.json'))
    .sort();
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
  it("hold a case passing through every phase, and a case of today's code open in each open phase", async () => {
    const histories = await savedHistories();
    const passedThrough = new Set(histories.flatMap(({ history }) => phasesOf(history)));
    expect(CASE_PHASES.filter((phase) => !passedThrough.has(phase))).toEqual([]);

    // An open case's history is the one a restarted worker replays, so each open phase needs one that ends there.
    const openAt = histories
      .filter(({ workflowId }) => workflowId.startsWith(`${GENERATION}/in-flight-`))
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

const markerSchema = z.object({
  events: z.array(
    z.object({
      markerRecordedEventAttributes: z
        .object({
          details: z
            // A payload without data is an activity's `undefined` result (a local activity's marker).
            .record(z.string(), z.object({ payloads: z.array(z.object({ data: z.string().optional() })) }))
            .optional(),
        })
        .optional(),
    }),
  ),
});

/** The text of every marker payload in a history: the SDK records each `patched()` id in one. */
function markerTexts(history: unknown): string[] {
  return markerSchema
    .parse(history)
    .events.flatMap((event) => Object.values(event.markerRecordedEventAttributes?.details ?? {}))
    .flatMap(({ payloads }) => payloads.map(({ data = '' }) => Buffer.from(data, 'base64').toString('utf8')));
}

describe('histories of every patched path', () => {
  it("are saved from today's code: each patch id is recorded in the newest generation", async () => {
    const patches = await fs.readFile(path.join(__dirname, '../../workflows/patches.ts'), 'utf8');
    const ids = [...patches.matchAll(/= '([a-z-]+-\d+)';/g)].map((match) => match[1] ?? '');
    expect(ids).toEqual(
      expect.arrayContaining(['lean-round-trips-1', 'review-read-decides-1', 'parked-cases-end-1']),
    );
    const newest = (await savedHistories()).filter(({ workflowId }) =>
      workflowId.startsWith(`${GENERATION}/`),
    );
    const markers = newest.flatMap(({ history }) => markerTexts(history)).join('\n');
    expect(ids.filter((id) => !markers.includes(id))).toEqual([]);
  });
});
