import { sealContext } from './append';
import { decodeBody } from './body';
import type { Queryable } from './database';
import type { RunRef } from './records';
import { RECORD_COLUMNS, recordRowSchema } from './rows';
import { unseal } from './seal';

/** One record of a trail as a reader sees it. */
export interface TrailEntry {
  seq: number;
  at: string;
  kind: string;
  data: Record<string, unknown>;
  /** The run that wrote it, when the record names one (records written before runs were named do not). */
  run?: RunRef;
  /** The free text: present while the subject's key exists; `sealed` once it is destroyed. */
  text?: Record<string, string> | 'sealed';
}

export interface Trail {
  pseudonym: string;
  erased: boolean;
  entries: TrailEntry[];
}

/** A subject's records in order, free text opened with `subjectKey` when there still is one. */
export async function readTrail(db: Queryable, pseudonym: string, subjectKey: Buffer | null): Promise<Trail> {
  const { rows } = await db.query(
    `SELECT ${RECORD_COLUMNS} FROM audit_records WHERE pseudonym = $1 ORDER BY seq`,
    [pseudonym],
  );
  const entries = rows.map((raw): TrailEntry => {
    const row = recordRowSchema.parse(raw);
    const body = decodeBody(row.body);
    if (typeof body === 'string') throw new Error(`row ${row.seq} of ${pseudonym}: ${body} (run verify)`);
    const entry: TrailEntry = {
      seq: row.seq,
      at: body.at,
      kind: body.kind,
      data: body.data,
      ...(body.run && { run: body.run }),
    };
    if (body.sealed === undefined) return entry;
    if (subjectKey === null) return { ...entry, text: 'sealed' };
    const opened = unseal(subjectKey, Buffer.from(body.sealed, 'base64'), sealContext(pseudonym, row.seq));
    return { ...entry, text: JSON.parse(opened) as Record<string, string> };
  });
  return { pseudonym, erased: subjectKey === null, entries };
}

/** Rows read per query of an export. */
const EXPORT_PAGE = 500;

/**
 * Every record since `since`, oldest first, one JSON line each, for a regulator: the pseudonym, never a user
 * id; the stored body (base64) with its chain head, key id and signature, so the recipient can check the
 * chain; free text stays sealed. Read in pages, so an export of years holds one page in memory.
 */
export async function* exportLines(
  db: Queryable,
  since: Date,
  pageSize = EXPORT_PAGE,
): AsyncGenerator<string> {
  let after: { ms: number; pseudonym: string; seq: number } | undefined;
  for (;;) {
    const { rows } = await db.query(
      `SELECT ${RECORD_COLUMNS} FROM audit_records
       WHERE occurred_at >= to_timestamp($1::double precision / 1000)
         AND ($2::double precision IS NULL
              OR (occurred_at, pseudonym, seq) > (to_timestamp($2::double precision / 1000), $3::text, $4::bigint))
       ORDER BY occurred_at, pseudonym, seq LIMIT $5`,
      [since.getTime(), after?.ms ?? null, after?.pseudonym ?? null, after?.seq ?? null, pageSize],
    );
    for (const raw of rows) {
      const row = recordRowSchema.parse(raw);
      const body = decodeBody(row.body);
      yield JSON.stringify({
        pseudonym: row.pseudonym,
        seq: row.seq,
        at: new Date(row.occurred_ms).toISOString(),
        kind: typeof body === 'string' ? null : body.kind,
        data: typeof body === 'string' ? null : body.data,
        body: row.body.toString('base64'),
        chainHash: row.chain_hash.toString('hex'),
        keyId: row.key_id,
        signature: row.signature.toString('base64'),
      });
      after = { ms: row.occurred_ms, pseudonym: row.pseudonym, seq: row.seq };
    }
    if (rows.length < pageSize) return;
  }
}
