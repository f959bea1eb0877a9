import type { WorkflowHandle } from '@temporalio/client';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

/**
 * A history as one searchable text: its structure, then every payload's bytes decoded (in the proto JSON form
 * payload data is base64, which would hide exactly what a personal-data check looks for).
 */
export function historyAsText(history: History): string {
  const structure = JSON.stringify(history);
  const payloads: string[] = [];
  JSON.parse(structure, (key, value: unknown) => {
    if (key === 'data' && typeof value === 'string')
      payloads.push(Buffer.from(value, 'base64').toString('utf8'));
    return value;
  });
  return [structure, ...payloads].join('\n');
}
