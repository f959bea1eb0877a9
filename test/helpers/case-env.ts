import type { DataConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { KycCaseHandle } from '../../client/kyc-cases';
import { startOrJoinCase } from '../../client/kyc-cases';
import type { ApplicantReview, CaseTimings, SumsubEvent } from '../../domain';
import { sumsubEventSignal } from '../../workflows/messages';
import { untilState } from './cases';
import { FakeVendors, applicantIdOf } from './fake-vendors';
import { runInBackground, testWorkflowSource, uniqueTaskQueue } from './test-worker';

export interface CaseEnvOptions {
  dataConverter?: DataConverter;
  /** The timings every case of this environment starts with, under those a test passes to `start`. */
  timings?: Partial<CaseTimings>;
}

/**
 * The real case workflow on `env`, with typed fake partners: for the workflow's own logic (phases, messages,
 * deadlines, continue-as-new) without vendor timing in the way. `stop` tears `env` down too.
 */
export async function caseEnvOn(env: TestWorkflowEnvironment, name: string, options: CaseEnvOptions = {}) {
  const partners = new FakeVendors();
  const taskQueue = uniqueTaskQueue(name);
  let worker: Worker;
  try {
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      activities: partners.activities(),
      ...testWorkflowSource(),
      ...(options.dataConverter && { dataConverter: options.dataConverter }),
    });
  } catch (error) {
    await env.teardown();
    throw error;
  }
  const stopWorker = runInBackground(worker);
  const defaults = options.timings ?? {};
  let count = 0;

  return {
    env,
    partners,
    /** The worker's task queue, for callers that start cases on their own (the CLI). */
    taskQueue,
    /** A fresh user id of the given kind, unique in this file. */
    userOf: (kind: string) => `${kind}-${Date.now()}-${++count}`,
    start: (userId: string, timings: Partial<CaseTimings> = {}): Promise<KycCaseHandle> =>
      startOrJoinCase(env.client, userId, { taskQueue, timings: { ...defaults, ...timings } }),
    until: untilState,
    /** SumSub's review of the user changes, and its webhook (a hint: the case reads the review) arrives. */
    reviewed: async (
      handle: KycCaseHandle,
      userId: string,
      review: Omit<ApplicantReview, 'applicantId'>,
      type = 'applicantReviewed',
    ): Promise<void> => {
      partners.review(userId, review);
      await handle.signal(sumsubEventSignal, sumsubEvent(userId, new Date().toISOString(), type));
    },
    stop: async () => {
      await stopWorker();
      await env.teardown();
    },
  };
}

export type CaseEnv = Awaited<ReturnType<typeof caseEnvOn>>;

/** A SumSub webhook as the `sumsubEvent` signal carries it: a hint about the applicant's review, no review. */
export function sumsubEvent(
  userId: string,
  createdAt: string,
  type: string = 'applicantReviewed',
): SumsubEvent {
  return { type, applicantId: applicantIdOf(userId), createdAt };
}

/** The review as SumSub tells it: a completed GREEN, or a completed RED with its reject type (if any). */
export const REVIEWED = {
  green: { reviewStatus: 'completed', reviewAnswer: 'GREEN', rejectType: null },
  redRetry: { reviewStatus: 'completed', reviewAnswer: 'RED', rejectType: 'RETRY' },
  redFinal: { reviewStatus: 'completed', reviewAnswer: 'RED', rejectType: 'FINAL' },
  redUntyped: { reviewStatus: 'completed', reviewAnswer: 'RED', rejectType: null },
  pending: { reviewStatus: 'pending', reviewAnswer: null, rejectType: null },
} as const;
