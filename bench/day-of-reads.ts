import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { startOrJoinCase } from '../client/kyc-cases';
import { generateCodecKey, kycDataConverter } from '../codec';
import { loadWorkerConfig } from '../config';
import { DEFAULT_CASE_TIMINGS, KYC_SEARCH_ATTRIBUTES } from '../domain';
import { startSandbox } from '../sandbox/start-sandbox';
import { createKycWorker, WORKFLOWS_PATH } from '../worker/create-worker';
import { getStateQuery } from '../workflows/messages';
import { readGap } from '../domain/case-state';
import type { DayOfReadsResult } from './report-schema';
import { resolveTimeSkippingServer } from '../scripts/temporal-test-server';

const DAY_MS = 24 * 3600 * 1000;
export const DAY_READS_TARGET = 30;

/**
 * Kriptomat reads during a case that stays pending for a day, on the default poll schedule (30 s, 1 m, 2 m,
 * 5 m, 15 m, then hourly, each gap stretched by up to 10 %). A real day cannot run in a bench, so the real
 * workflow and activities run on Temporal's time-skipping test server against the Kriptomat simulator, and the
 * simulator counts the reads after 24 skipped hours. Without Java and Maven the count comes from the
 * workflow's own `readGap` (domain/case-state.ts) driven over 24 hours instead, and the result says so.
 */
export async function measureDayOfReads(log: (line: string) => void): Promise<DayOfReadsResult> {
  const model = {
    noJitter: scheduleReads(0, () => 0),
    meanJitter: scheduleReads(DEFAULT_CASE_TIMINGS.jitter, () => 0.5),
  };
  let server: string;
  try {
    server = await resolveTimeSkippingServer({ log });
  } catch (error) {
    const note = `time-skipping server unavailable (${error instanceof Error ? error.message : String(error)})`;
    return { method: 'schedule-model', reads: model.noJitter, target: DAY_READS_TARGET, model, note };
  }
  return {
    method: 'time-skipping',
    reads: await readsOnTimeSkipping(server),
    target: DAY_READS_TARGET,
    model,
    note: null,
  };
}

/** Reads in a day as the schedule makes them: the first read, then one per gap until a day has passed. */
export function scheduleReads(jitter: number, random: () => number): number {
  let reads = 1;
  let elapsed = 0;
  for (let look = 0; ; look++) {
    elapsed += readGap(DEFAULT_CASE_TIMINGS.pollSchedule, look, jitter, random);
    if (elapsed > DAY_MS) return reads;
    reads += 1;
  }
}

async function readsOnTimeSkipping(serverPath: string): Promise<number> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: serverPath } },
  });
  const sandbox = await startSandbox({ webhookUrl: null, decisionDelayMs: 0 });
  try {
    // The test server takes custom search attributes through the operator service, not flags.
    const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(KYC_SEARCH_ATTRIBUTES.map((key) => [key.name, keyword])),
    });
    const codec = { KYC_CODEC_KEY: generateCodecKey('bench'), KYC_CODEC_PREVIOUS_KEYS: [] };
    const config = loadWorkerConfig({
      ...sandbox.workerEnv,
      KYC_CODEC_KEY: codec.KYC_CODEC_KEY,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: 'kyc-bench-day',
    });
    const worker = await createKycWorker(env.nativeConnection, config, { workflowsPath: WORKFLOWS_PATH });
    const client = new Client({ connection: env.connection, dataConverter: kycDataConverter(codec) });
    const userId = 'pending_forever-day';
    return await worker.runUntil(async () => {
      // No timings: the workflow's defaults, as a partner's case gets them.
      const handle = await startOrJoinCase(client, userId, { taskQueue: config.TEMPORAL_TASK_QUEUE });
      await env.sleep('24h');
      const state = await handle.query(getStateQuery);
      const reads = sandbox.log.find({ service: 'kriptomat', endpoint: 'showUser', userId }).length;
      if (state.phase !== 'awaiting_kriptomat' || state.kriptomatChecks !== reads) {
        throw new Error(
          `after a day the case is ${state.phase} with ${state.kriptomatChecks} reads, the log ${reads}`,
        );
      }
      await handle.terminate('bench: day measured');
      return reads;
    });
  } finally {
    await sandbox.close();
    await env.teardown();
  }
}
