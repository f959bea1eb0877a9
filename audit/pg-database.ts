import type { Pool } from 'pg';
import type { AuditDatabase, Queryable } from './database';

/**
 * The audit trail on PostgreSQL, over a `pg` pool the caller owns the settings of. Each transaction holds
 * one pooled connection from BEGIN to COMMIT; `close()` ends the pool.
 */
export function pgDatabase(pool: Pool): AuditDatabase {
  return {
    query: async (sql, params = []) => {
      const result = await pool.query(sql, [...params]);
      return { rows: result.rows as unknown[] };
    },
    transaction: async (fn) => {
      const client = await pool.connect();
      const tx: Queryable = {
        query: async (sql, params = []) => ({
          rows: (await client.query(sql, [...params])).rows as unknown[],
        }),
      };
      try {
        await client.query('BEGIN');
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
