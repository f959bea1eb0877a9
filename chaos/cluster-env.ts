import type { RunningSandbox } from '../sandbox/start-sandbox';
import type { TopologyContext } from './topology';
import { workerEnv } from './worker-env';

/**
 * One environment for the cluster's workers and APIs, as compose gives its replicas one: the worker's of a
 * dev-server run (the simulators' credentials, short vendor timeouts, nothing of the developer's settings),
 * plus the APIs' secrets, the run's case timings as the APIs' defaults (the partner's starts carry none),
 * and start limits no run reaches (they are per process and per minute: hundreds of starts in 20 s would meet
 * them). `engine` holds the connection, the secrets and the engine's database. Each process adds its ports.
 */
export async function clusterEngineEnv(
  context: TopologyContext,
  sandbox: RunningSandbox,
  engine: Record<string, string>,
): Promise<Record<string, string>> {
  const { options, timings, dataDir } = context;
  const base = await workerEnv(options, sandbox, { ...engine, ...context.partnerEnv }, dataDir);
  // Durations are strings (`3s`) or milliseconds; the environment takes the first form, so numbers gain `ms`.
  const ms = (value: unknown): string | undefined =>
    typeof value === 'number' ? `${value}ms` : typeof value === 'string' ? value : undefined;
  const timingEnv = {
    KYC_READ_SCHEDULE: timings.pollSchedule?.map(ms).join(','),
    KYC_REVIEW_READ_INTERVAL: ms(timings.reviewPollInterval),
    KYC_USER_DEADLINE: ms(timings.userDeadline),
    KYC_DECISION_DEADLINE: ms(timings.decisionDeadline),
    // So that the long cases continue as new during the run, as on the dev server.
    KYC_WAITS_PER_RUN: timings.waitsPerRun === undefined ? undefined : String(timings.waitsPerRun),
  };
  return {
    ...base,
    ...Object.fromEntries(
      Object.entries(timingEnv).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ),
    KYC_API_CASE_STARTS_PER_MINUTE: '100000',
    KYC_API_REQUESTS_PER_MINUTE: '1000000',
  };
}
