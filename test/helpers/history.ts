import type { WorkflowHandle } from '@temporalio/client';
import { fromPayloadJson } from '../../api/codec-server';
import { codecFromConfig } from '../../codec';
import { TEST_CODEC_CONFIG } from './codec';

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

/** A payload in a history's JSON form: metadata and data in base64. */
interface HistoryPayload {
  metadata: Record<string, string>;
  data: string;
}

/** Every payload of a history (inputs, results, signals, state, details), in the JSON form codecs receive. */
export function payloadsOf(history: History): HistoryPayload[] {
  const found: HistoryPayload[] = [];
  JSON.parse(JSON.stringify(history), (_key, value: unknown) => {
    if (isPayload(value)) found.push(value);
    return value;
  });
  return found;
}

function isPayload(value: unknown): value is HistoryPayload {
  if (typeof value !== 'object' || value === null) return false;
  const { metadata, data } = value as Partial<HistoryPayload>;
  return (
    typeof data === 'string' && typeof metadata === 'object' && metadata !== null && 'encoding' in metadata
  );
}

/**
 * A workflow's history as searchable text with every payload decrypted by the test key: the raw history
 * holds only ciphertext, so a leak check on it alone would pass whatever the workflow recorded.
 */
export async function decryptedHistoryText(handle: WorkflowHandle): Promise<string> {
  const history = await handle.fetchHistory();
  const payloads = payloadsOf(history).map((payload) => fromPayloadJson(payload));
  const decoded = await codecFromConfig(TEST_CODEC_CONFIG).decode(payloads);
  const plain = decoded.map((payload) => Buffer.from(payload.data ?? []).toString('utf8'));
  return [historyAsText(history), ...plain].join('\n');
}
