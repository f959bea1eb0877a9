/** One act of chaos, at `atMs` after the first case started. */
export type ChaosEvent =
  /** SIGKILL of worker `replica` (0-based), started again after `downtimeMs`. */
  | { kind: 'kill-worker'; atMs: number; downtimeMs: number; replica: number }
  /** SIGKILL of API `replica`, started again after `downtimeMs`; the balancer sends everything to the other. */
  | { kind: 'kill-api'; atMs: number; downtimeMs: number; replica: number }
  /** The Temporal server killed and started again on the same port and database. */
  | { kind: 'restart-server'; atMs: number }
  /** PostgreSQL stopped `immediate` (a crash as it sees one) and started again after `downtimeMs`. */
  | { kind: 'restart-db'; atMs: number; downtimeMs: number }
  /** The workers rolled to a new build one at a time (cluster/rollout.ts, once it exists). */
  | { kind: 'roll-workers'; atMs: number };

export type ChaosKind = ChaosEvent['kind'];

/** How the report names each kind: `worker kill 2`, `PostgreSQL restart 1`. */
export const FAULT_NAMES: Record<ChaosKind, string> = {
  'kill-worker': 'worker kill',
  'kill-api': 'API kill',
  'restart-server': 'server restart',
  'restart-db': 'PostgreSQL restart',
  'roll-workers': 'rolling deploy',
};

/** What a plan is made of: how many of each kind, and the bounds of their moments and downtimes. */
export interface ChaosPlanInput {
  cluster: boolean;
  workerKills: number;
  serverRestarts: number;
  apiKills: number;
  dbRestarts: number;
  rollingDeploys: number;
  chaosWindowMs: number;
  maxDowntimeMs: number;
  maxDbDowntimeMs: number;
}

/** How many events of each kind a run plays: the cluster-only kinds are 0 on the dev server. */
export function faultCounts(input: ChaosPlanInput): Record<ChaosKind, number> {
  const cluster = (n: number) => (input.cluster ? n : 0);
  return {
    'kill-worker': input.workerKills,
    'restart-server': input.serverRestarts,
    'kill-api': cluster(input.apiKills),
    'restart-db': cluster(input.dbRestarts),
    'roll-workers': cluster(input.rollingDeploys),
  };
}

/** Replicas of the workers and of the APIs: two on the cluster (as compose runs them), one on the dev server. */
export const replicasOf = (cluster: boolean): number => (cluster ? 2 : 1);

/**
 * When each fault strikes: at seeded random moments spread over the window (one moment drawn in each equal
 * slice, so faults do not bunch up and every phase of the run gets some), in a shuffled order of kinds, each
 * kill followed by a random downtime, and on the cluster a random replica of the two. The draws for the
 * dev server's kinds come in the order they always did, so a seed gives the dev-server run the plan it gave
 * before the cluster's kinds existed.
 */
export function planChaos(input: ChaosPlanInput, random: () => number): ChaosEvent[] {
  const counts = faultCounts(input);
  const order: ChaosKind[] = ['kill-worker', 'restart-server', 'kill-api', 'restart-db', 'roll-workers'];
  const kinds = order.flatMap((kind) => Array.from({ length: counts[kind] }, () => kind));
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const replicas = replicasOf(input.cluster);
  const replica = () => (replicas > 1 ? Math.floor(random() * replicas) : 0);
  const slice = input.chaosWindowMs / Math.max(kinds.length, 1);
  return kinds.map((kind, index): ChaosEvent => {
    const atMs = Math.round(slice * (index + 0.2 + 0.6 * random()));
    switch (kind) {
      case 'kill-worker':
      case 'kill-api': {
        const downtimeMs = Math.round(random() * input.maxDowntimeMs);
        return { kind, atMs, downtimeMs, replica: replica() };
      }
      case 'restart-db':
        // At least a tenth of the bound: a restart with no downtime at all would not be an outage.
        return { kind, atMs, downtimeMs: Math.round(input.maxDbDowntimeMs * (0.1 + 0.9 * random())) };
      default:
        return { kind, atMs };
    }
  });
}

/** `worker kill 2 (worker-1)` on the cluster, `worker kill 2` on the dev server: the name in logs and report. */
export function eventName(event: ChaosEvent, n: number, cluster: boolean): string {
  const base = `${FAULT_NAMES[event.kind]} ${n}`;
  if (!cluster || !('replica' in event)) return base;
  return `${base} (${event.kind === 'kill-worker' ? 'worker' : 'api'}-${event.replica + 1})`;
}
