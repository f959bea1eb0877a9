import type { CasePhase } from '../domain';
import { isOutcome, kycWorkflowId } from '../domain';
import type { SandboxScenarioName } from '../sandbox/scenarios';
import type { Calibration } from './calibrate';
import { countWorkflows, runPool, userIds } from './cases';
import type { DayOfReadsResult, EconomyResult, ScenarioEconomy } from './report-schema';
import { round } from './process-stats';
import type { BenchStack } from './stack';
import { SKELETON_TASK_QUEUE } from './stack';
import { USER_ACTION } from './throughput';

/** Where each sandbox scenario's case settles: its outcome, or the phase it then stays in. */
export const SCENARIO_ENDS: Record<SandboxScenarioName, CasePhase> = {
  passed: 'approved',
  verified: 'approved',
  edd_required: 'approved',
  pending: 'approved',
  pending_forever: 'awaiting_kriptomat',
  failed: 'rejected',
  declined: 'rejected',
  onboard: 'approved',
  onboard_declined: 'rejected',
  resubmit: 'approved',
  sumsub_rejected: 'rejected',
  not_started: 'awaiting_user',
  malformed: 'needs_attention',
  unknown: 'needs_attention',
};

export interface EconomyOptions {
  casesPerScenario: number;
  tag: string;
  calibration: Calibration;
  dayOfReads: () => Promise<DayOfReadsResult>;
}

/**
 * What each case costs the partners and the server, scenario by scenario of the sandbox table: Kriptomat and
 * SumSub calls, SumSub status reads (one per SumSub webhook taken, since a webhook is a hint the case answers by
 * reading the review; no more while webhooks arrive: the fallback poll is 15 minutes away), partner notifications and history events. Each case is followed to its outcome, or to the
 * phase it then waits in; the calls are counted then, and waiting cases are terminated.
 */
export async function measureEconomy(stack: BenchStack, options: EconomyOptions): Promise<EconomyResult> {
  const { client } = stack;
  const scenarios = Object.keys(SCENARIO_ENDS) as SandboxScenarioName[];
  const cases = scenarios.flatMap((scenario) => userIds(scenario, options.tag, options.casesPerScenario));
  await runPool(cases, 8, async (userId) => {
    const status = await stack.putCase(userId);
    if (status !== 202) throw new Error(`PUT /v1/cases/${userId} answered ${status}`);
  });
  const skeletonHandle = await client.workflow.start('skeletonCase', {
    workflowId: `skeleton:economy-${options.tag}`,
    taskQueue: SKELETON_TASK_QUEUE,
    args: [options.calibration.steps],
  });

  const results: Record<string, ScenarioEconomy> = {};
  const deadline = Date.now() + 120_000;
  await Promise.all(
    scenarios.map(async (scenario) => {
      const until = SCENARIO_ENDS[scenario];
      const users = userIds(scenario, options.tag, options.casesPerScenario);
      const query = `WorkflowId STARTS_WITH "kyc:${scenario}-${options.tag}-" AND KycPhase="${until}"`;
      let reached = 0;
      while (Date.now() < deadline) {
        reached = await countWorkflows(client, query);
        if (reached >= users.length) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      results[scenario] = await costOf(stack, users, until, reached);
    }),
  );
  await skeletonHandle.result();
  const skeletonHistoryEvents = (await skeletonHandle.describe()).historyLength;
  return {
    casesPerScenario: options.casesPerScenario,
    scenarios: Object.fromEntries(scenarios.map((scenario) => [scenario, results[scenario]])) as Record<
      string,
      ScenarioEconomy
    >,
    dayOfReads: await options.dayOfReads(),
    skeletonHistoryEvents,
  };
}

async function costOf(
  stack: BenchStack,
  users: string[],
  until: CasePhase,
  reached: number,
): Promise<ScenarioEconomy> {
  // A case that ends is counted once it has closed (its last notification sent); a waiting one at once, and
  // then terminated, before its next look (or when it never got there, so that nothing waits on it).
  const ends = isOutcome(until) && reached >= users.length;
  let events = 0;
  await runPool(users, 8, async (userId) => {
    const handle = stack.client.workflow.getHandle(kycWorkflowId(userId));
    if (ends) await handle.result();
    const { historyLength } = await handle.describe();
    events += historyLength;
    if (!ends) await handle.terminate('bench: economy counted').catch(() => undefined);
  });
  const wanted = new Set(users);
  const byEndpoint: Record<string, number> = {};
  for (const request of stack.sandbox.log.requests) {
    if (request.userId === null || !wanted.has(request.userId)) continue;
    const endpoint = `${request.service}.${request.endpoint}`;
    if (endpoint !== USER_ACTION) byEndpoint[endpoint] = (byEndpoint[endpoint] ?? 0) + 1;
  }
  // SumSub webhooks the engine took (each a hint the case answers with one review read).
  const reviewWebhooks = stack.sandbox.log.webhooks.filter(
    (hook) =>
      hook.service === 'sumsub' && wanted.has(hook.userId) && hook.status !== null && hook.status < 300,
  ).length;
  const received = stack.partner.countByUser();
  const notifications = users.reduce((sum, userId) => sum + (received.get(userId) ?? 0), 0);
  const per = (value: number) => round(value / users.length, 2);
  const sum = (service: string) =>
    Object.entries(byEndpoint)
      .filter(([endpoint]) => endpoint.startsWith(`${service}.`))
      .reduce((total, [, calls]) => total + calls, 0);
  return {
    cases: users.length,
    until,
    reached,
    kriptomat: per(sum('kriptomat')),
    sumsub: per(sum('sumsub')),
    total: per(sum('kriptomat') + sum('sumsub')),
    byEndpoint: Object.fromEntries(
      Object.entries(byEndpoint).map(([endpoint, calls]) => [endpoint, per(calls)]),
    ),
    sumsubStatusReads: per(byEndpoint['sumsub.applicantStatus'] ?? 0),
    sumsubWebhooks: per(reviewWebhooks),
    notifications: per(notifications),
    historyEvents: per(events),
  };
}
