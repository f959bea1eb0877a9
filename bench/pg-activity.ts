/**
 * What the Temporal server's connection pools do under load: PostgreSQL's `pg_stat_activity`, sampled every
 * second while a measure runs. The pools are sized in deploy/temporal/server.yaml.tmpl (`maxConns` per
 * service and store); if the busy connections of a database sit at their pool's ceiling, the pool bounds the
 * server, and if they stay far below it, a bigger pool buys nothing.
 */
import { Client as PgClient } from 'pg';
import type { DatabaseAccess } from '../cluster/postgres';
import type { PgActivity } from './report-schema';
import { round } from './process-stats';

const DATABASES = ['temporal', 'temporal_visibility'] as const;
const EVERY_MS = 1_000;

interface Row {
  datname: string;
  state: string | null;
  wait: string | null;
  count: string;
}

/** Samples until `stop()`, which resolves with the figures per database. */
export async function watchPgActivity(access: DatabaseAccess): Promise<{ stop(): Promise<PgActivity> }> {
  const client = new PgClient({
    host: access.POSTGRES_SEEDS,
    port: Number(access.DB_PORT),
    user: access.POSTGRES_USER,
    password: access.POSTGRES_PWD,
    database: 'postgres',
  });
  // A connection PostgreSQL ends (a shutdown from outside: seen once, another session stopping it) must not
  // crash the bench as an unhandled 'error' event: sampling stops and the measure itself reports the failure.
  let lost = false;
  client.on('error', () => {
    lost = true;
  });
  await client.connect();
  const figures = Object.fromEntries(
    DATABASES.map((name) => [name, { samples: 0, activeSum: 0, activePeak: 0, connectionsPeak: 0 }]),
  );
  const waits: Record<string, number> = {};
  let samples = 0;
  const sample = async () => {
    const { rows } = await client.query<Row>(
      `SELECT datname, state, wait_event_type AS wait, count(*) AS count FROM pg_stat_activity
       WHERE datname = ANY($1) GROUP BY 1, 2, 3`,
      [DATABASES],
    );
    samples += 1;
    for (const name of DATABASES) {
      const mine = rows.filter((row) => row.datname === name);
      const active = mine
        .filter((row) => row.state === 'active')
        .reduce((sum, row) => sum + Number(row.count), 0);
      const all = mine.reduce((sum, row) => sum + Number(row.count), 0);
      const figure = figures[name];
      if (!figure) continue;
      figure.samples += 1;
      figure.activeSum += active;
      figure.activePeak = Math.max(figure.activePeak, active);
      figure.connectionsPeak = Math.max(figure.connectionsPeak, all);
    }
    for (const row of rows) {
      if (row.state !== 'active') continue;
      const key = row.wait ?? 'running';
      waits[key] = (waits[key] ?? 0) + Number(row.count);
    }
  };
  let running = true;
  const loop = (async () => {
    while (running && !lost) {
      await sample().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await client.end().catch(() => undefined);
      return {
        samples,
        databases: Object.fromEntries(
          Object.entries(figures).map(([name, figure]) => [
            name,
            {
              activeMean: round(figure.activeSum / Math.max(1, figure.samples), 2),
              activePeak: figure.activePeak,
              connectionsPeak: figure.connectionsPeak,
            },
          ]),
        ),
        activeByWait: waits,
      };
    },
  };
}
