import type { CaseVerdict } from './case-watch';
import { faultCounts, replicasOf } from './chaos-plan';
import type { ChaosOptions } from './options';
import type { NotificationFigures } from './partner-receiver';
import type { Recovery } from './recovery-probe';
import type { RetryAfterFigures } from './retry-after';
import type { TokenFigures } from './token-audit';
import type { TopologyFigures } from './topology';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** What the checks read: the run's figures, gathered once. */
export interface CheckInputs {
  options: ChaosOptions;
  verdicts: readonly CaseVerdict[];
  /** Cases not at their expected end when the bound passed. */
  stuck: readonly CaseVerdict[];
  usersImportedTwice: number;
  tokens: TokenFigures;
  retryAfter: RetryAfterFigures;
  faultsInjected: Record<'error' | 'rate_limit' | 'timeout', number>;
  webhooks: { dropped: number; duplicated: number };
  topology: TopologyFigures;
  notifications: NotificationFigures;
  recoveries: readonly Recovery[];
  /** Cases whose partner calls could not be set against their histories. */
  unmeasuredCases: number;
  /** Failed workflow tasks in every history of every case (rolling deploys, restarts: none may fail). */
  workflowTaskFailures: number;
  /** Starts the run could not make at all (the case never existed). */
  startFailures: number;
}

/**
 * The run's verdict, as a compliance lead would read it: every case where its scenario says, nobody imported
 * twice, no share token used twice or by another user, `Retry-After` honoured, nothing stuck; and proof that
 * the chaos really happened (faults injected, the worker really killed, the server really restarted), since a
 * run in which nothing failed proves nothing.
 */
export function runChecks(inputs: CheckInputs): Check[] {
  const { options, verdicts, tokens, retryAfter, faultsInjected, notifications } = inputs;
  const { workers, apis } = inputs.topology;
  const counts = faultCounts(options);
  const replicas = replicasOf(options.cluster);
  const wrong = verdicts.filter((v) => v.problems.length > 0);
  const checks: Check[] = [
    {
      name: 'every case at the end its scenario dictates',
      ok: wrong.length === 0 && verdicts.length === options.cases,
      detail: `${verdicts.length - wrong.length} of ${options.cases} cases` + examples(wrong),
    },
    {
      name: 'no case stuck',
      ok: inputs.stuck.length === 0 && inputs.startFailures === 0,
      detail:
        `${inputs.stuck.length} stuck, ${inputs.startFailures} never started` +
        inputs.stuck
          .slice(0, 10)
          .map((v) => ` ${v.userId} (${v.phase})`)
          .join(','),
    },
    {
      name: 'no user imported twice',
      ok: inputs.usersImportedTwice === 0,
      detail: `${inputs.usersImportedTwice} users with more than one successful import`,
    },
    {
      name: 'no share token used twice',
      ok: tokens.redeemedTwice === 0 && tokens.presentedTwice === 0,
      detail: `${tokens.redeemedTwice} redeemed twice, ${tokens.presentedTwice} presented twice (of ${tokens.minted} minted)`,
    },
    {
      name: 'no share token used by another user',
      ok: tokens.usedByAnotherUser === 0,
      detail: `${tokens.usedByAnotherUser} presented for a user they were not minted for`,
    },
    {
      name: 'Retry-After honoured',
      ok: retryAfter.violations === 0,
      detail:
        `${retryAfter.violations} early retries of ${retryAfter.retried} retried 429s; smallest gap ` +
        `${retryAfter.smallestGapMs ?? '-'} ms for Retry-After ${retryAfter.retryAfterMs} ms` +
        retryAfter.early.map((e) => `; ${e.call} of ${e.userId} after ${e.gapMs} ms`).join(''),
    },
  ];
  const faults = options.faults;
  const injected = (kind: keyof typeof faultsInjected, rate: number) =>
    rate === 0 || faultsInjected[kind] > 0;
  checks.push({
    name: 'faults really injected',
    ok:
      injected('error', faults.errorRate) &&
      injected('rate_limit', faults.rateLimitRate) &&
      injected('timeout', faults.timeoutRate) &&
      (faults.dropWebhookRate === 0 || inputs.webhooks.dropped > 0) &&
      (faults.duplicateWebhookRate === 0 || inputs.webhooks.duplicated > 0),
    detail:
      `${faultsInjected.error} 5xx, ${faultsInjected.rate_limit} 429, ${faultsInjected.timeout} timeouts, ` +
      `${inputs.webhooks.dropped} webhooks dropped, ${inputs.webhooks.duplicated} duplicated`,
  });
  checks.push({
    name: 'no partner notification lost',
    ok: notifications.lost === 0 && notifications.completedMissing === 0 && notifications.badSignatures === 0,
    detail:
      `${notifications.lost} events lost, ${notifications.completedMissing} ended cases without their ` +
      `case.completed, ${notifications.badSignatures} bad signatures (of ${notifications.received} events, ` +
      `${notifications.refused} deliveries refused by the partner and delivered again)` +
      notifications.examples.map((e) => `; ${e}`).join(''),
  });
  checks.push({
    name: 'worker really killed and replaced',
    ok: workers.kills === counts['kill-worker'] && workers.distinctPids >= counts['kill-worker'] + replicas,
    detail: `${workers.kills} SIGKILLs, ${workers.distinctPids} worker processes`,
  });
  checks.push({
    name: 'worker never died on its own',
    ok: workers.unexpectedExits === 0,
    detail: `${workers.unexpectedExits} exits not caused by the run`,
  });
  if (apis) {
    checks.push({
      name: 'API really killed and replaced',
      ok: apis.kills === counts['kill-api'] && apis.distinctPids >= counts['kill-api'] + replicas,
      detail: `${apis.kills} SIGKILLs, ${apis.distinctPids} API processes`,
    });
    checks.push({
      name: 'API never died on its own',
      ok: apis.unexpectedExits === 0,
      detail: `${apis.unexpectedExits} exits not caused by the run`,
    });
  }
  checks.push({
    name: 'Temporal server really restarted',
    ok: inputs.topology.serverRestarts === counts['restart-server'],
    detail: `${inputs.topology.serverRestarts} restarts on the same ${options.cluster ? 'PostgreSQL database' : 'database file'}`,
  });
  checks.push({
    name: 'Temporal server never died on its own',
    ok: inputs.topology.unexpectedServerExits === 0,
    detail: `${inputs.topology.unexpectedServerExits} exits not caused by the run (each started again)`,
  });
  if (options.cluster) {
    checks.push({
      name: 'workers really rolled to a new build',
      ok: inputs.topology.rollingDeploys === counts['roll-workers'],
      detail: `${inputs.topology.rollingDeploys} rolling deploys, each worker replaced one at a time`,
    });
    checks.push({
      name: 'PostgreSQL really crashed and restarted',
      ok: inputs.topology.dbRestarts === counts['restart-db'],
      detail: `${inputs.topology.dbRestarts} immediate stops and starts, down ${(inputs.topology.dbDowntimeMs / 1000).toFixed(1)} s in all`,
    });
  }
  checks.push({
    name: 'no workflow task failed',
    ok: inputs.workflowTaskFailures === 0,
    detail: `${inputs.workflowTaskFailures} failed workflow tasks in the histories of every case`,
  });
  checks.push({
    name: 'extra calls measured for every case',
    ok: inputs.unmeasuredCases === 0,
    detail: `${inputs.unmeasuredCases} cases whose histories could not be read`,
  });
  const unrecovered = inputs.recoveries.filter((r) => r.recoveredMs === null);
  checks.push({
    name: 'new cases run again after every fault',
    ok:
      unrecovered.length === 0 &&
      inputs.recoveries.length === Object.values(counts).reduce((sum, n) => sum + n, 0),
    detail:
      inputs.recoveries
        .map(
          (r) => `${r.event}: ${r.recoveredMs === null ? 'never' : `${(r.recoveredMs / 1000).toFixed(1)} s`}`,
        )
        .join(', ') || 'no crash',
  });
  return checks;
}

function examples(wrong: readonly CaseVerdict[]): string {
  if (wrong.length === 0) return '';
  const shown = wrong.slice(0, 10).map((v) => ` ${v.userId}: ${v.problems.join('; ')}`);
  return `; wrong:${shown.join(',')}${wrong.length > 10 ? ` and ${wrong.length - 10} more` : ''}`;
}
