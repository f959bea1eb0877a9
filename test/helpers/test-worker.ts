import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { requiredTestEnv, TEST_ENV } from './test-env';

// Workers log state changes at INFO and the failures tests provoke on purpose at WARN, and the SDK's core warns
// that the time-skipping server advertises fewer capabilities than a real one: keep the output for real errors.
Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
});

/** The workflow bundle built once by global setup. */
export function testWorkflowSource(): { workflowBundle: { codePath: string } } {
  return { workflowBundle: { codePath: requiredTestEnv(TEST_ENV.workflowBundle) } };
}

/** A task queue of its own per test file, so files sharing a server could never steal each other's tasks. */
export function uniqueTaskQueue(name: string): string {
  return `${name}-${process.pid}-${Date.now()}`;
}

/** Starts `worker` in the background; the returned function stops it and waits for it to drain. */
export function runInBackground(worker: Worker): () => Promise<void> {
  const running = worker.run();
  return async () => {
    worker.shutdown();
    await running;
  };
}
