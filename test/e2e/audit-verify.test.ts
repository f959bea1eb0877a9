import type { AuditRecord } from '../../audit';
import { chainHash } from '../../audit/chain';
import { kycWorkflowId } from '../../domain';
import { rowsOfChain, setColumn } from '../audit/tamper';
import type { AuditEngine } from './audit-engine';
import { startAuditEngine, untilGone } from './audit-engine';

/**
 * The audit trail as an operator checks it, end to end: records appended by the library, the API serving
 * them, the real `kyc` CLI reading and verifying them. An edit of one stored row is named at its chain and
 * row, also when every hash after it was recomputed; a case whose Temporal history is gone still has its
 * trail printed. Real PostgreSQL, real dev server, loopback only.
 */
let t: AuditEngine;
beforeAll(async () => {
  t = await startAuditEngine('audit_verify');
}, 180_000);
afterAll(async () => t?.stop(), 60_000);

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
}, 180_000);

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
