import type { AuditDatabase, AuditRecord, AuditTrail } from '../../audit';
import type { RunRef } from '../../audit/records';
import { endedFlags, unclosedFlag } from '../../audit/run-flags';
import { embeddedTrail } from './embedded-postgres';
import { headOf, rowsOfChain, setColumn } from './tamper';

/**
 * Which runs wrote a chain, and which of them were ended or reset outside the engine: what `verify` tells
 * from the trail alone (reset runs, the open case run), and how Temporal's answers become flags. The real
 * trail on PGlite; Temporal's answers are given as the API would gather them.
 */
let db: AuditDatabase;
let audit: AuditTrail;
beforeAll(async () => {
  ({ db, audit } = await embeddedTrail());
}, 120_000);
afterAll(() => db?.close());

const FIRST = '0b6f3a52-7c1e-4f7e-9d43-2f9a1c0e5b11';
const RESET = '5d2c8e90-1a4b-4c6d-8e2f-7a9b0c1d2e3f';
const WATCH = '9e8d7c6b-5a49-4837-a625-14130f0e0d0c';
const caseRun = (id: string, original?: string): RunRef => ({
  id,
  ...(original && { original }),
  workflow: 'case',
});

let minute = 0;
async function write(userId: string, record: AuditRecord, run?: RunRef): Promise<string> {
  minute += 1;
  const written = await audit.append(userId, run ? { ...record, run } : record, {
    idempotencyKey: `k${minute}`,
    at: new Date(Date.parse('2026-04-01T09:00:00.000Z') + minute * 60_000),
  });
  return written.pseudonym;
}

const started: AuditRecord = { kind: 'case.started', data: {} };
const pending: AuditRecord = { kind: 'kriptomat.status_read', data: { status: 'pending' } };
const ended: AuditRecord = { kind: 'case.ended', data: { outcome: 'approved' } };

async function reportOf(pseudonym: string) {
  const [report] = await audit.verify(pseudonym);
  return report;
}

it('keeps the run in the chained body: an edit of it breaks the chain, and the trail reads it back', async () => {
  const pseudonym = await write('820001001', started, caseRun(FIRST));
  const [row] = await rowsOfChain(db, pseudonym);
  expect(JSON.parse(row?.body.toString('utf8') ?? '{}')).toMatchObject({
    run: { id: FIRST, workflow: 'case' },
  });
  expect((await audit.trail('820001001'))?.entries[0]?.run).toEqual({ id: FIRST, workflow: 'case' });

  await setColumn(db, pseudonym, 1, 'body', (body) =>
    Buffer.from(body.toString('utf8').replace(FIRST, RESET)),
  );
  expect((await reportOf(pseudonym))?.firstBad).toMatchObject({ seq: 1, reason: 'hash' });
});

it('verifies a chain whose older rows name no run, and flags nothing on them', async () => {
  const pseudonym = await write('820001002', started);
  await write('820001002', pending);
  await write('820001002', ended, caseRun(FIRST));
  expect(await reportOf(pseudonym)).toEqual({
    pseudonym,
    rows: 3,
    head: await headOf(db, pseudonym),
    flags: [],
  });
});

it('flags a reset run from the trail alone, once, and writes its records beside the replaced run', async () => {
  const pseudonym = await write('820001003', started, caseRun(FIRST));
  await write('820001003', pending, caseRun(FIRST));
  await write('820001003', pending, caseRun(RESET, FIRST));
  await write('820001003', ended, caseRun(RESET, FIRST));
  expect(await reportOf(pseudonym)).toEqual({
    pseudonym,
    rows: 4,
    head: await headOf(db, pseudonym),
    flags: [{ runId: RESET, flag: 'reset', workflow: 'case' }],
  });
});

it("names the latest case run without a closing record as the open run; a watch's rows do not count", async () => {
  const open = await write('820001004', started, caseRun(FIRST));
  await write('820001004', pending, { id: WATCH, workflow: 'watch' });
  expect(await reportOf(open)).toMatchObject({ openRun: FIRST, flags: [] });

  const closed = await write('820001005', started, caseRun(FIRST));
  await write('820001005', ended, caseRun(FIRST));
  await write('820001005', pending, { id: WATCH, workflow: 'watch' });
  expect((await reportOf(closed))?.openRun).toBeUndefined();
});

it("flags a run Temporal closed unless the chain holds the engine's closing record of it", async () => {
  await write('820001006', started, caseRun(FIRST));
  await write('820001006', ended, caseRun(FIRST));
  await write('820001006', started, caseRun(RESET));
  const entries = (await audit.trail('820001006'))?.entries ?? [];
  expect(
    endedFlags(entries, [
      // Closed by the engine first (an operator's cancel completes the case), then terminated: not flagged.
      { runId: FIRST, workflow: 'case', how: 'terminated' },
      { runId: RESET, workflow: 'case', how: 'terminated' },
      { runId: WATCH, workflow: 'watch', how: 'timed-out' },
    ]),
  ).toEqual([
    { runId: RESET, flag: 'terminated', workflow: 'case' },
    { runId: WATCH, flag: 'timed-out', workflow: 'watch' },
  ]);
});

it('flags the open run as unclosed only when Temporal no longer knows it', () => {
  expect(unclosedFlag(FIRST, new Set([FIRST]))).toEqual([
    { runId: FIRST, flag: 'unclosed', workflow: 'case' },
  ]);
  expect(unclosedFlag(FIRST, new Set())).toEqual([]);
  expect(unclosedFlag(undefined, new Set([FIRST]))).toEqual([]);
});

it('refuses a run that is not a run id (nothing else may ride in the envelope)', async () => {
  await expect(write('820001007', started, { id: 'kyc:820001007', workflow: 'case' })).rejects.toThrow();
});
