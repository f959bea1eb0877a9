import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';

/** One signal a fake client was asked to send. */
export interface SentSignal {
  workflowId: string;
  signal: string;
  args: unknown[];
}

/**
 * A Temporal client that only signals, and only records: the workflows in `running` take signals, any other
 * answers `WorkflowNotFoundError` as a closed or unknown case would. For receivers whose tests are about what
 * they signal, not about what a case then does (the workflow is tested on its own).
 */
export function fakeSignalClient(running: Iterable<string> = []) {
  const open = new Set(running);
  const sent: SentSignal[] = [];
  const client = {
    workflow: {
      getHandle: (workflowId: string) => ({
        signal: (definition: SignalDefinition | string, ...args: unknown[]) => {
          if (!open.has(workflowId)) {
            return Promise.reject(new WorkflowNotFoundError('workflow not found', workflowId, undefined));
          }
          sent.push({
            workflowId,
            signal: typeof definition === 'string' ? definition : definition.name,
            args,
          });
          return Promise.resolve();
        },
      }),
    },
    withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
  };
  return { client: client as unknown as Client, sent, open };
}
