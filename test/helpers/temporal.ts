import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { KYC_SEARCH_ATTRIBUTES } from '../../domain';
import { requiredTestEnv, TEST_ENV } from './test-env';

// Workers log state changes at INFO and the failures tests provoke on purpose at WARN: keep the output for
// real errors.
Runtime.install({ logger: new DefaultLogger('ERROR') });

/**
 * A real Temporal dev server (the CLI global setup resolved, never a download) with the project's search
 * attributes registered. Tear it down in `afterAll`.
 */
export async function startTestTemporal(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: requiredTestEnv(TEST_ENV.temporalCli) },
      searchAttributes: [...KYC_SEARCH_ATTRIBUTES],
      ui: false,
      log: { level: 'warn', format: 'pretty' },
    },
  });
}

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

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `condition not met within ${timeoutMs} ms${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
  );
}
