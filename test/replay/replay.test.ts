import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { testWorkflowSource } from '../helpers/temporal';

/**
 * Replays the saved histories of representative cases with today's workflow code. A change that would make
 * an in-flight case take a different path (a non-determinism error) fails here, before it reaches a worker.
 * Intended changes go behind `patched()`; see "Changing the workflow safely" in the README.
 */
const HISTORIES = path.join(__dirname, 'histories');

async function savedHistories() {
  const files = (await fs.readdir(HISTORIES)).filter((file) => file.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: JSON.parse(await fs.readFile(path.join(HISTORIES, file), 'utf8')) as unknown,
    })),
  );
}

describe('saved case histories', () => {
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
