import { eventName, faultCounts, planChaos } from '../../chaos/chaos-plan';
import type { ChaosPlanInput } from '../../chaos/chaos-plan';
import { chaosOptionsSchema } from '../../chaos/options';
import { seededRandom } from '../../sandbox/shared/faults';

/** The fault plan is pure: a seed gives one plan, and the plan keeps the promises the run's checks rely on. */
const cluster: ChaosPlanInput = chaosOptionsSchema.parse({ cluster: true, seed: 3 });
const devServer: ChaosPlanInput = chaosOptionsSchema.parse({ seed: 3 });

describe('the chaos plan', () => {
  it('is the same plan for the same seed, and another for another seed', () => {
    expect(planChaos(cluster, seededRandom(3))).toEqual(planChaos(cluster, seededRandom(3)));
    expect(planChaos(cluster, seededRandom(3))).not.toEqual(planChaos(cluster, seededRandom(4)));
  });

  it('has every kind the options ask for on the cluster, and only the dev server’s kinds without it', () => {
    const kinds = (input: ChaosPlanInput) =>
      planChaos(input, seededRandom(1)).reduce<Record<string, number>>(
        (counts, e) => ({ ...counts, [e.kind]: (counts[e.kind] ?? 0) + 1 }),
        {},
      );
    expect(kinds(cluster)).toEqual({
      'kill-worker': 4,
      'restart-server': 1,
      'kill-api': 2,
      'restart-db': 1,
      'roll-workers': 1,
    });
    expect(kinds(devServer)).toEqual({ 'kill-worker': 4, 'restart-server': 1 });
    expect(faultCounts({ ...devServer, apiKills: 5, dbRestarts: 3, rollingDeploys: 2 })).toMatchObject({
      'kill-api': 0,
      'restart-db': 0,
      'roll-workers': 0,
    });
  });

  it('spreads the faults over the window in order, one per slice, with bounded downtimes and replicas', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const events = planChaos(cluster, seededRandom(seed));
      const slice = cluster.chaosWindowMs / events.length;
      events.forEach((event, index) => {
        expect(event.atMs).toBeGreaterThanOrEqual(slice * index);
        expect(event.atMs).toBeLessThan(slice * (index + 1));
        if ('replica' in event) expect([0, 1]).toContain(event.replica);
        if (event.kind === 'kill-worker' || event.kind === 'kill-api')
          expect(event.downtimeMs).toBeLessThanOrEqual(cluster.maxDowntimeMs);
        if (event.kind === 'restart-db') {
          expect(event.downtimeMs).toBeGreaterThanOrEqual(cluster.maxDbDowntimeMs / 10);
          expect(event.downtimeMs).toBeLessThanOrEqual(cluster.maxDbDowntimeMs);
        }
      });
    }
  });

  it('kills both workers over a run, not always the same one', () => {
    const replicas = new Set(
      [1, 2, 3, 4, 5].flatMap((seed) =>
        planChaos(cluster, seededRandom(seed))
          .filter((e) => e.kind === 'kill-worker')
          .map((e) => ('replica' in e ? e.replica : -1)),
      ),
    );
    expect(replicas).toEqual(new Set([0, 1]));
  });

  it('gives the dev server one replica, and names cluster faults after their target', () => {
    expect(planChaos(devServer, seededRandom(9)).every((e) => !('replica' in e) || e.replica === 0)).toBe(
      true,
    );
    const kill = { kind: 'kill-api' as const, atMs: 0, downtimeMs: 0, replica: 1 };
    expect(eventName(kill, 2, true)).toBe('API kill 2 (api-2)');
    expect(eventName({ kind: 'kill-worker', atMs: 0, downtimeMs: 0, replica: 0 }, 1, false)).toBe(
      'worker kill 1',
    );
    expect(eventName({ kind: 'restart-db', atMs: 0, downtimeMs: 1 }, 1, true)).toBe('PostgreSQL restart 1');
  });
});
