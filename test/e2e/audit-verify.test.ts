import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { AuditRecord } from '../../audit';
import { chainHash } from '../../audit/chain';
import { startOrJoinCase } from '../../client/kyc-cases';
import { kycWorkflowId } from '../../domain';
import { deleteNewestRow, rowsOfChain, setColumn } from '../audit/tamper';
import { eventually } from '../helpers/temporal';
import type { AuditEngine, AuditedWorker } from './audit-engine';
import { startAuditEngine, startAuditedWorker, untilGone } from './audit-engine';

/**
 * The audit trail as an operator checks it, end to end: records appended by the library, the API serving
 * them, the real `kyc` CLI reading and verifying them. An edit of one stored row is named at its chain and
 * row, also when every hash after it was recomputed; a case whose Temporal history is gone still has its
 * trail printed; a case Temporal terminated or reset outside the engine is flagged, as a warning. Real
 * PostgreSQL, real dev server, loopback only. The flag and checkpoint tests run before the edits: `verify`
 * exits 1 once a chain of this engine is edited.
 */
let t: AuditEngine;
let worker: AuditedWorker;
/** Where the operator keeps checkpoints: outside the database. */
let outside: string;
beforeAll(async () => {
  outside = await mkdtemp(path.join(tmpdir(), 'kyc-audit-checkpoints-'));
  t = await startAuditEngine('audit_verify');
  worker = await startAuditedWorker(t, 'audit-verify-e2e');
}, 180_000);
afterAll(async () => {
  await worker?.stop();
  await t?.stop();
  if (outside) await rm(outside, { recursive: true, force: true });
}, 60_000);

let count = 0;
const approvedUser = () => `passed-audit-${Date.now()}-${++count}`;

/** A case's decision and an operator's action, as the engine's writers append them. */
async function recordCase(userId: string): Promise<string> {
  const records: AuditRecord[] = [
    { kind: 'case.started', data: { by: 'partner-api' } },
    { kind: 'kriptomat.status_read', data: { status: 'passed' } },
    { kind: 'case.decided', data: { outcome: 'approved' } },
    {
      kind: 'operator.action',
      data: { operator: 'ops@example', action: 'recheck' },
      text: { reason: 'asked by compliance' },
    },
  ];
  for (const [index, record] of records.entries())
    await t.store.trail.append(userId, record, { idempotencyKey: `test:${index}` });
  const trail = await t.store.trail.trail(userId);
  if (!trail) throw new Error('no trail');
  return trail.pseudonym;
}

/** The row of `seq` in the chain whose body says `case.decided`: the one an attacker would change. */
async function decidedRow(pseudonym: string): Promise<number> {
  const rows = await rowsOfChain(t.db, pseudonym);
  const row = rows.find((candidate) => candidate.body.toString('utf8').includes('"case.decided"'));
  if (!row) throw new Error('no case.decided row');
  return row.seq;
}

/** A case on the worker with the trail, waiting in `awaiting_kriptomat`, once its first records are written. */
async function waitingCase(): Promise<{ userId: string; pseudonym: string; runId: string }> {
  const userId = `pending_forever-audit-${Date.now()}-${++count}`;
  await startOrJoinCase(t.engine.client, userId, {
    taskQueue: worker.taskQueue,
    timings: { pollSchedule: ['1h'] },
  });
  const pseudonym = await eventually(async () => {
    const trail = await t.store.trail.trail(userId);
    return trail?.entries.some((entry) => entry.data.to === 'awaiting_kriptomat')
      ? trail.pseudonym
      : undefined;
  }, 60_000);
  const { runId } = await t.engine.client.workflow.getHandle(kycWorkflowId(userId)).describe();
  return { userId, pseudonym, runId };
}

/** `kyc audit verify`'s warnings about `pseudonym`, once Temporal's visibility shows what was done. */
async function warningsAbout(pseudonym: string, expected: number): Promise<string[]> {
  return eventually(async () => {
    const { code, stderr } = await t.kyc('audit', 'verify');
    expect(code).toBe(0);
    const lines = stderr.split('\n').filter((line) => line.includes(pseudonym));
    return lines.length >= expected ? lines : undefined;
  }, 60_000);
}

it('flags a case Temporal terminated, by chain and run, and exits 0: no row is bad', async () => {
  const { userId, pseudonym, runId } = await waitingCase();
  await t.engine.client.workflow.getHandle(kycWorkflowId(userId)).terminate('terminated by hand');

  expect(await warningsAbout(pseudonym, 1)).toEqual([
    `warning: chain ${pseudonym} run ${runId} (case): terminated`,
  ]);
  const { body: answer } = await t.engine.api<{
    ok: boolean;
    chains: { pseudonym: string; flags: unknown[] }[];
  }>('GET', '/v1/audit/verify');
  expect(answer.ok).toBe(true);
  expect(answer.chains.find((chain) => chain.pseudonym === pseudonym)?.flags).toEqual([
    { runId, flag: 'terminated', workflow: 'case' },
  ]);

  // Once Temporal forgets the run (retention, here a deletion), the chain still shows it never closed.
  await t.engine.client.connection.workflowService.deleteWorkflowExecution({
    namespace: t.engine.client.options.namespace,
    workflowExecution: { workflowId: kycWorkflowId(userId), runId },
  });
  await untilGone(t.engine, kycWorkflowId(userId));
  expect(
    await eventually(async () => {
      const lines = await warningsAbout(pseudonym, 1);
      return lines.some((line) => line.endsWith(': unclosed')) ? lines : undefined;
    }, 90_000),
  ).toEqual([`warning: chain ${pseudonym} run ${runId} (case): unclosed`]);
}, 300_000);

it('writes the records of a reset run, and flags it reset (and the run it replaced terminated)', async () => {
  const { userId, pseudonym, runId } = await waitingCase();
  const before = (await t.store.trail.trail(userId))?.entries.length ?? 0;
  const { history } = await t.engine.client.connection.workflowService.getWorkflowExecutionHistory({
    namespace: t.engine.client.options.namespace,
    execution: { workflowId: kycWorkflowId(userId), runId },
  });
  const firstTask = history?.events?.find((event) => event.workflowTaskCompletedEventAttributes);
  const { runId: resetRunId } = await t.engine.client.connection.workflowService.resetWorkflowExecution({
    namespace: t.engine.client.options.namespace,
    workflowExecution: { workflowId: kycWorkflowId(userId), runId },
    reason: 'reset by hand',
    workflowTaskFinishEventId: firstTask?.eventId,
    requestId: `reset-${userId}`,
  });

  // The reset run starts the case again: its records are written, not taken for the replaced run's.
  const after = await eventually(async () => {
    const entries = (await t.store.trail.trail(userId))?.entries ?? [];
    return entries.some((entry) => entry.run?.id === resetRunId && entry.data.to === 'awaiting_kriptomat')
      ? entries
      : undefined;
  }, 60_000);
  expect(after.length).toBeGreaterThan(before);
  expect(after.filter((entry) => entry.run?.id === resetRunId)[0]?.run).toEqual({
    id: resetRunId,
    original: runId,
    workflow: 'case',
  });
  // `kyc audit` names each record's run briefly, and the run a reset one replaced; `--json` has them whole.
  const printed = await t.kyc('audit', userId);
  expect(printed.code).toBe(0);
  expect(printed.stdout).toContain(`  run=${runId.slice(0, 8)} (case)`);
  expect(printed.stdout).toContain(`  run=${resetRunId.slice(0, 8)} (case, reset from ${runId.slice(0, 8)})`);
  const whole = await t.kyc('audit', userId, '--json');
  expect(whole.code).toBe(0);
  const runs = (JSON.parse(whole.stdout) as { entries: { run?: unknown }[] }).entries.map(
    (entry) => entry.run,
  );
  expect(runs).toContainEqual({ id: runId, workflow: 'case' });
  expect(runs).toContainEqual({ id: resetRunId, original: runId, workflow: 'case' });
  expect((await warningsAbout(pseudonym, 2)).sort()).toEqual(
    [
      `warning: chain ${pseudonym} run ${resetRunId} (case): reset`,
      `warning: chain ${pseudonym} run ${runId} (case): terminated`,
    ].sort(),
  );
  await t.engine.client.workflow.getHandle(kycWorkflowId(userId)).terminate('end of test');
}, 300_000);

const rejected = (body: Buffer) =>
  Buffer.from(body.toString('utf8').replace('"approved"', '"rejected"'), 'utf8');

it("prints a case's trail after Temporal has deleted its history", async () => {
  const userId = approvedUser();
  await t.closedCase(userId);
  await recordCase(userId);
  await t.engine.client.connection.workflowService.deleteWorkflowExecution({
    namespace: t.engine.client.options.namespace,
    workflowExecution: { workflowId: kycWorkflowId(userId) },
  });
  await untilGone(t.engine, kycWorkflowId(userId));

  const { code, stdout, stderr } = await t.kyc('audit', userId);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toContain(`audit trail of ${userId}`);
  expect(stdout).toMatch(/case\.decided\s+outcome=approved/);
  expect(stdout).toContain('action=recheck');
  expect(stdout).toContain('reason="asked by compliance"');
  // Records appended without a run (as before runs were named) name none.
  expect(stdout).not.toContain('run=');
}, 180_000);

const checkpointSchema = z.object({
  takenAt: z.iso.datetime(),
  chains: z.array(z.object({ pseudonym: z.string(), rows: z.number(), head: z.string() })),
});

it("writes a checkpoint of each chain's row count and head, which a prefix left by a deletion no longer matches", async () => {
  const pseudonym = await recordCase(approvedUser());
  const file = path.join(outside, 'checkpoint.json');

  const { code, stderr } = await t.kyc('audit', 'verify', '--checkpoint-out', file);
  expect(code).toBe(0);
  expect(stderr).toMatch(/^wrote .+ \(\d+ chains\)$/m);
  expect(stderr).toContain(`wrote ${file} (`);
  // Only its owner reads it: the pseudonyms and heads of the whole trail.
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  const checkpoint = checkpointSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  const rows = await rowsOfChain(t.db, pseudonym);
  expect(checkpoint.chains.find((chain) => chain.pseudonym === pseudonym)).toEqual({
    pseudonym,
    rows: 4,
    head: rows[3]?.chain_hash.toString('hex'),
  });
  // An existing checkpoint is never overwritten.
  expect((await t.kyc('audit', 'verify', '--checkpoint-out', file)).code).not.toBe(0);
  expect(checkpointSchema.parse(JSON.parse(await readFile(file, 'utf8')))).toEqual(checkpoint);

  // Against the untouched trail (chains may only have grown since): every chain matches.
  const untouched = await t.kyc('audit', 'verify', '--against', file);
  expect(untouched.code).toBe(0);
  expect(untouched.stdout).toContain(
    `against ${file} (taken ${checkpoint.takenAt}): ${checkpoint.chains.length} chains, 0 bad`,
  );
  expect(untouched.stdout).not.toMatch(/^BAD/m);

  // The newest row deleted: what is left verifies, and its head is no longer the checkpoint's.
  expect(await deleteNewestRow(t.db, pseudonym)).toBe(4);
  const after = await t.kyc('audit', 'verify', '--json');
  expect(after.code).toBe(0);
  const report = (
    JSON.parse(after.stdout) as { chains: { pseudonym: string; rows: number; head?: string }[] }
  ).chains.find((chain) => chain.pseudonym === pseudonym);
  expect(report).toEqual(expect.objectContaining({ rows: 3, head: rows[2]?.chain_hash.toString('hex') }));

  // Only the checkpoint shows it: `--against` names the chain shortened, and exits 1.
  const against = await t.kyc('audit', 'verify', '--against', file);
  expect(against.code).toBe(1);
  expect(against.stdout).toContain(`BAD  ${pseudonym}  shortened: 3 rows now, 4 at the checkpoint`);
  expect(against.stdout).toContain(`${checkpoint.chains.length} chains, 1 bad`);
}, 180_000);

it('refuses a file that is not a checkpoint, naming the file and what is wrong', async () => {
  const file = path.join(outside, 'edited-by-hand.json');
  const chain = { pseudonym: 'p_Zq8xWm0bR1v4T9yLk2sNaA', rows: 4, head: 'F'.repeat(64) };
  await writeFile(file, JSON.stringify({ version: 1, takenAt: new Date().toISOString(), chains: [chain] }));
  const { code, stderr } = await t.kyc('audit', 'verify', '--against', file);
  expect(code).toBe(2);
  expect(stderr).toContain(`${file} is not a checkpoint`);
  expect(stderr).toContain('chains.0.head: must be 64 lowercase hex digits');

  const notJson = path.join(outside, 'not-json.json');
  await writeFile(notJson, '{"version": 1,');
  const cut = await t.kyc('audit', 'verify', '--against', notJson);
  expect(cut.code).toBe(2);
  expect(cut.stderr).toContain(`${notJson} is not JSON`);
}, 60_000);

describe('POST /v1/audit/verify', () => {
  const head = 'a'.repeat(64);
  const chainOf = (index: number) => ({
    pseudonym: `p_unknown${String(index).padStart(13, '0')}`,
    rows: 1,
    head,
  });
  type Refusal = { error: string; issues: { path: string; message: string }[] };

  it('names a chain it has no row of missing', async () => {
    const { status, body } = await t.engine.api('POST', '/v1/audit/verify', { chains: [chainOf(1)] });
    expect({ status, body }).toEqual({
      status: 200,
      body: {
        ok: false,
        checked: 1,
        mismatches: [
          {
            pseudonym: chainOf(1).pseudonym,
            finding: 'missing',
            detail: 'no row is left of the 1 checkpointed',
          },
        ],
      },
    });
  });

  it('refuses more than 1,000 chains in one request, naming the limit', async () => {
    const chains = Array.from({ length: 1001 }, (_, index) => chainOf(index));
    const { status, body } = await t.engine.api<Refusal>('POST', '/v1/audit/verify', { chains });
    expect(status).toBe(400);
    expect(body.issues).toContainEqual({
      path: 'body.chains',
      message: 'at most 1000 chains per request: send a checkpoint in batches',
    });
  });

  it('refuses a head that is not 64 lowercase hex digits, and rows below 1', async () => {
    for (const bad of ['A'.repeat(64), 'a'.repeat(63), `${'a'.repeat(63)}g`]) {
      const { status, body } = await t.engine.api<Refusal>('POST', '/v1/audit/verify', {
        chains: [{ ...chainOf(1), head: bad }],
      });
      expect({ bad, status }).toEqual({ bad, status: 400 });
      expect(new Set(body.issues.map((issue) => issue.path))).toEqual(new Set(['body.chains.0.head']));
    }
    const { status, body } = await t.engine.api<Refusal>('POST', '/v1/audit/verify', {
      chains: [{ ...chainOf(1), rows: 0 }],
    });
    expect(status).toBe(400);
    expect(body.issues.map((issue) => issue.path)).toEqual(['body.chains.0.rows']);
  });
});

it('names the chain and the row of an edited body; and again when every hash after it was recomputed', async () => {
  const edited = await recordCase(approvedUser());
  const rehashed = await recordCase(approvedUser());
  const clean = await recordCase(approvedUser());
  const editedRow = await decidedRow(edited);
  const rehashedRow = await decidedRow(rehashed);

  // A plain edit: the stored head no longer matches the bytes.
  await setColumn(t.db, edited, editedRow, 'body', rejected);
  // A careful one: the body changed and every head from it on recomputed, so only the signatures tell.
  await setColumn(t.db, rehashed, rehashedRow, 'body', rejected);
  const rows = await rowsOfChain(t.db, rehashed);
  let previous = rows.find((row) => row.seq === rehashedRow - 1)?.chain_hash ?? Buffer.alloc(32);
  for (const row of rows.filter((candidate) => candidate.seq >= rehashedRow)) {
    const head = chainHash(previous, row.body);
    await setColumn(t.db, rehashed, row.seq, 'chain_hash', () => head);
    previous = head;
  }

  const { code, stdout, stderr } = await t.kyc('audit', 'verify');
  expect(code).toBe(1);
  expect(stdout).toContain(`BAD  ${edited}  row ${editedRow}: hash`);
  expect(stdout).toContain(`BAD  ${rehashed}  row ${rehashedRow}: signature`);
  expect(stdout).toMatch(new RegExp(`ok   ${clean}  \\d+ rows`));
  expect(stderr).toContain(`chain ${edited} fails at row ${editedRow}`);
  expect(stderr).toContain(`chain ${rehashed} fails at row ${rehashedRow}`);

  // No checkpoint of a trail that does not verify: it would anchor the edits as the truth.
  const file = path.join(outside, 'of-a-bad-trail.json');
  const refused = await t.kyc('audit', 'verify', '--checkpoint-out', file);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(`checkpoint not written to ${file}: the trail does not verify`);
  await expect(stat(file)).rejects.toThrow('ENOENT');
}, 180_000);

it('exports the records since a date as JSON lines, by pseudonym', async () => {
  const userId = approvedUser();
  const pseudonym = await recordCase(userId);
  const { code, stdout } = await t.kyc(
    'audit',
    'export',
    '--since',
    new Date(Date.now() - 3_600_000).toISOString(),
  );
  expect(code).toBe(0);
  const lines = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { pseudonym: string; kind: string });
  expect(lines.filter((line) => line.pseudonym === pseudonym).map((line) => line.kind)).toEqual([
    'case.started',
    'kriptomat.status_read',
    'case.decided',
    'operator.action',
  ]);
  expect(stdout).not.toContain(userId);
}, 60_000);
