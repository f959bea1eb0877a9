import { kycWorkflowId } from '../domain';
import type { KycCaseState } from '../domain';
import { waitForCount } from './cases';
import type { HistoryShape, SkeletonStep } from './skeleton-plan';
import { shapeOf, stepsFromHistory } from './skeleton-plan';
import type { BenchStack } from './stack';

/** A real engine run and the skeleton made from it. */
export interface Calibration {
  /** What the engine's run consisted of. */
  engine: HistoryShape;
  steps: SkeletonStep[];
}

/** Runs one onboarding case to its end and takes the skeleton of the happy path from its history. */
export async function calibrateOnboarding(stack: BenchStack, tag: string): Promise<Calibration> {
  const userId = `not_started-${tag}-calibration`;
  stack.users.complete(userId);
  await expectAccepted(stack, userId);
  const handle = stack.client.workflow.getHandle(kycWorkflowId(userId));
  const state = (await handle.result()) as KycCaseState;
  if (state.phase !== 'approved') throw new Error(`the calibration case ended ${state.phase}, not approved`);
  const history = await handle.fetchHistory();
  return { engine: shapeOf(history), steps: stepsFromHistory(history) };
}

/**
 * Starts one case of `prefix`, waits until it shows `phase`, and takes the skeleton of the way there from its
 * history (ending in a `wait` in that phase); then terminates it, so it does not count among the bench's cases.
 */
export async function calibrateWaiting(
  stack: BenchStack,
  prefix: string,
  phase: string,
  tag: string,
): Promise<Calibration> {
  const userId = `${prefix}-${tag}-calibration`;
  const workflowId = kycWorkflowId(userId);
  await expectAccepted(stack, userId);
  await waitForCount(stack.client, `WorkflowId="${workflowId}" AND KycPhase="${phase}"`, 1, 60_000, 100);
  // The webhooks that follow the phase change (a new applicant's) arrive within moments.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const handle = stack.client.workflow.getHandle(workflowId);
  const history = await handle.fetchHistory();
  await handle.terminate('bench calibration done');
  return { engine: shapeOf(history), steps: stepsFromHistory(history, phase) };
}

async function expectAccepted(stack: BenchStack, userId: string): Promise<void> {
  const status = await stack.putCase(userId);
  if (status !== 202) throw new Error(`PUT /v1/cases/${userId} answered ${status}`);
}
