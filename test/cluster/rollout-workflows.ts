/**
 * TEST ONLY: the "new build" of test/cluster/rolling-deploy.test.ts, a worker's workflows entry
 * (KYC_TEST_WORKFLOWS_PATH, worker/create-worker.ts). It is the real case workflow, bundled by a real worker,
 * with one deliberate change behind `patched()`, as a real release would ship one: once the case has
 * decided, a new build waits one more (tiny) timer before it completes. An old build replaying a history
 * the new one wrote would meet that timer where it completes the workflow: nondeterminism, the failure Worker
 * Versioning must keep from happening during a rolling deploy.
 */
import { patched, sleep } from '@temporalio/workflow';
import type { KycCaseInput, KycCaseState } from '../../domain';
import { kycCase as realKycCase } from '../../workflows/kyc-case';
import { ROLLOUT_TEST_PATCH } from './rollout-patch';

/**
 * The case workflow of the new build, under the real workflow's type name. Before the real workflow ends
 * it records nothing of its own, so a history begun by the old build replays here unchanged; `patched()` is
 * asked only at the end, live, so a case that began on the old build and ends on this one shows the marker.
 */
export async function kycCase(input: KycCaseInput): Promise<KycCaseState> {
  const state = await realKycCase(input);
  if (patched(ROLLOUT_TEST_PATCH)) await sleep(1);
  return state;
}
