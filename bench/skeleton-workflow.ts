/**
 * The baseline of the benchmark: a workflow with the engine's shape and none of its work. Bundled only by the
 * skeleton worker (bench/skeleton-worker.ts), never part of the engine's workflow bundle.
 */
import {
  condition,
  defineSignal,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { KYC_PHASE } from '../domain/search-attributes';
import type { SkeletonActivities, SkeletonStep } from './skeleton-plan';
import { SKELETON_SIGNAL } from './skeleton-plan';

const skeletonSignal = defineSignal(SKELETON_SIGNAL);

const { noop, sendSignals } = proxyActivities<SkeletonActivities>({ startToCloseTimeout: '30s' });

/** How long a wait lasts when nothing ends it: longer than any bench run. */
const LONG_WAIT = '1h';

/**
 * Runs `steps` in order: each activity returns at once; a `signals` step waits under a timer for signals
 * that the worker sends as soon as its trigger activity runs (as SumSub's webhooks follow the applicant's
 * creation), so the timer is started before they arrive and cancelled by them, as the engine's is; a `wait`
 * step shows the phase in `KycPhase` and waits on a timer that outlasts the bench.
 */
export async function skeletonCase(steps: SkeletonStep[]): Promise<number> {
  let received = 0;
  setHandler(skeletonSignal, () => void (received += 1));
  let expected = 0; // signals asked for so far
  for (const step of steps) {
    if (step.kind === 'activity') {
      await noop();
    } else if (step.kind === 'timer') {
      await sleep(step.ms);
    } else if (step.kind === 'signals') {
      expected += step.count;
      const target = expected;
      const woken = condition(() => received >= target, LONG_WAIT);
      await Promise.all([sendSignals(step.count), woken]);
    } else {
      upsertSearchAttributes([{ key: KYC_PHASE, value: step.phase }]);
      await Promise.all([step.signals > 0 ? sendSignals(step.signals) : undefined, sleep(LONG_WAIT)]);
    }
  }
  return received;
}
