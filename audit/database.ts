/**
 * The one seam between the audit trail and a database: PostgreSQL through `pg`, or embedded PostgreSQL
 * through PGlite. Every statement the trail runs is plain PostgreSQL, one statement per call, with `$n`
 * parameters, so both adapters run the same SQL; rows come back untyped and are parsed with zod by the
 * caller (the drivers differ: `pg` gives int8 as a string and bytea as a Buffer, PGlite a number and a
 * Uint8Array).
 */
export interface Queryable {
  query(sql: string, params?: readonly unknown[]): Promise<{ rows: unknown[] }>;
}

export interface AuditDatabase extends Queryable {
  /**
   * Runs `fn` in one transaction (READ COMMITTED), committed when it resolves and rolled back when it throws.
   * Row locks taken inside it (`FOR UPDATE`) are what serialise the writers of one chain.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
