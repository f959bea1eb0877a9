import type { Client } from '@temporalio/client';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CaseSummary } from '../../client/case-list';
import { getCaseState } from '../../client/kyc-cases';
import { kycDataConverter } from '../../codec';
import { CASE_HISTORY_EXPIRED } from '../../cli/commands/status';
import type { ApprovedUserWatchInput, CasePhase, KycCaseState } from '../../domain';
import { watchWorkflowId } from '../../domain';
import { codecClient, TEST_CODEC_CONFIG, TEST_CODEC_ENV } from '../helpers/codec';
import type { FakeCaseEnv } from '../helpers/fake-case-env';
import { startFakeCaseEnv } from '../helpers/fake-case-env';
import { eventually } from '../helpers/temporal';
import type { CliRun } from './cli-process';
import { kyc as runKyc, spawnKyc } from './cli-process';

// The CLI as an operator uses it, against the real workflow on a dev server whose worker encrypts payloads
// with the key the CLI is given.
let t: FakeCaseEnv;
let client: Client;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  t = await startFakeCaseEnv('cli', { dataConverter: kycDataConverter(TEST_CODEC_CONFIG) });
  client = codecClient(t.env);
  dir = await mkdtemp(path.join(os.tmpdir(), 'kyc-cli-'));
  env = {
    ...TEST_CODEC_ENV,
    TEMPORAL_ADDRESS: t.env.address,
    TEMPORAL_TASK_QUEUE: t.taskQueue,
    KYC_READ_SCHEDULE: '1s',
    KYC_REVIEW_READ_INTERVAL: '1h',
    KYC_USER_DEADLINE: '1h',
    KYC_DECISION_DEADLINE: '1h',
  };
});

afterAll(async () => {
  await t?.stop();
  await rm(dir, { recursive: true, force: true });
});

const kyc = (...args: string[]): Promise<CliRun> => runKyc(args, env, dir);

/** Users the fake Kriptomat reports with `status`. */
function users(kind: 'pending' | 'passed', count: number): string[] {
  return Array.from({ length: count }, () => {
    const userId = t.userOf(kind);
    t.partners.user(userId, kind);
    return userId;
  });
}

const untilPhase = (userId: string, phase: CasePhase): Promise<KycCaseState> =>
  eventually(async () => {
    const state = await getCaseState(client, userId);
    return state.phase === phase ? state : undefined;
  });

/** `kyc list --json` once it lists every one of `userIds` (visibility lags a moment behind the workflows). */
async function listedWith(userIds: string[], ...filter: string[]): Promise<CaseSummary[]> {
  return eventually(async () => {
    const { code, stdout } = await kyc('list', ...filter, '--json');
    expect(code).toBe(0);
    const cases = JSON.parse(stdout) as CaseSummary[];
    return userIds.every((userId) => cases.some((item) => item.userId === userId)) ? cases : undefined;
  });
}

async function workflowsOf(userId: string): Promise<number> {
  return (await client.workflow.count(`WorkflowId = 'kyc:${userId}'`)).count;
}

test('start --file starts every user of a backfill CSV, and a second run joins them', async () => {
  const ids = users('pending', 3);
  const file = path.join(dir, 'backfill.csv');
  await writeFile(file, `name,userId\nAda,${ids[0]}\n\nBob,${ids[1]}\nCy,${ids[2]}\n`);

  const first = await kyc('start', '--file', file, '--concurrency', '2');
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(first.stdout).toContain('3 users: 3 started, 0 joined, 0 failed');
  const listed = await listedWith(ids, '--phase', 'awaiting_kriptomat');
  for (const userId of ids) {
    expect(listed.find((item) => item.userId === userId)).toMatchObject({ kycStatus: 'pending' });
  }

  const second = await kyc('start', '--file', file);
  expect(second.code).toBe(0);
  expect(second.stdout).toContain('3 users: 0 started, 3 joined, 0 failed');
  for (const userId of ids) expect(await workflowsOf(userId)).toBe(1);
});

test('a CSV with a bad id reports its line, starts the rest and exits 1', async () => {
  const [good] = users('pending', 1);
  const file = path.join(dir, 'with-bad-id.csv');
  await writeFile(file, `user_id\n${good}\nnot a user!\n\n`);

  const { code, stdout, stderr } = await kyc('start', '--file', file);
  expect(code).toBe(1);
  expect(stderr).toContain(`${file} line 3: invalid user id "not a user!", skipped`);
  expect(stdout).toContain('1 user: 1 started, 0 joined, 0 failed, 1 invalid skipped');
  await untilPhase(good as string, 'awaiting_kriptomat');
});

test('list --phase filters by phase, and prints a table without --json', async () => {
  const [approved, pending] = [...users('passed', 1), ...users('pending', 1)] as [string, string];
  const started = await kyc('start', approved, pending);
  expect(started.code).toBe(0);
  expect(started.stdout).toContain(`started ${approved}`);
  await untilPhase(approved, 'approved');

  const approvedCases = await listedWith([approved], '--phase', 'approved');
  expect(approvedCases.map((item) => item.phase)).toEqual(approvedCases.map(() => 'approved'));
  expect(approvedCases.some((item) => item.userId === pending)).toBe(false);
  expect(approvedCases.find((item) => item.userId === approved)).toMatchObject({ outcome: 'approved' });

  await listedWith([pending], '--phase', 'awaiting_kriptomat');
  const table = await kyc('list', '--phase', 'awaiting_kriptomat');
  expect(table.code).toBe(0);
  expect(table.stdout).toMatch(/userId\s+│\s+phase\s+│\s+kycStatus\s+│\s+eddStatus\s+│\s+outcome/);
  expect(table.stdout).toContain(pending);
  expect(table.stdout).not.toContain(approved);
});

test('status of an unknown user exits 3; --json is the parseable state', async () => {
  const unknown = await kyc('status', 'nobody-here-1');
  expect(unknown.code).toBe(3);
  expect(unknown.stderr).toContain('no KYC case for user nobody-here-1');

  const [userId] = users('pending', 1) as [string];
  expect((await kyc('start', userId)).code).toBe(0);
  await untilPhase(userId, 'awaiting_kriptomat');
  const json = await kyc('status', userId, '--json');
  expect(json.code).toBe(0);
  const state = JSON.parse(json.stdout) as KycCaseState & { workflowStatus: string };
  expect(state).toMatchObject({ userId, phase: 'awaiting_kriptomat', kycStatus: 'pending' });
  expect(state.workflowStatus).toBe('RUNNING');

  const readable = await kyc('status', userId);
  expect(readable.code).toBe(0);
  expect(readable.stdout).toMatch(/^phase\s+awaiting_kriptomat$/m);
  expect(readable.stdout).toMatch(/^next check\s+\S+ \((in \d+s|\d+s ago)\)$/m);
});

test('status of a watched user whose case Temporal no longer holds shows the watch, marked', async () => {
  const [userId] = users('passed', 1) as [string];
  const approvedAt = '2026-06-01T10:00:00.000Z';
  // The watch as the approved case started it, its case execution since deleted by the retention.
  const input: ApprovedUserWatchInput = {
    userId,
    approved: { kycStatus: 'passed', eddStatus: 'not_reported', at: approvedAt },
  };
  const watch = await client.workflow.start('approvedUserWatch', {
    workflowId: watchWorkflowId(userId),
    taskQueue: t.taskQueue,
    args: [input],
  });

  const readable = await kyc('status', userId);
  expect(readable).toMatchObject({ code: 0, stderr: '' });
  expect(readable.stdout).toContain(CASE_HISTORY_EXPIRED);
  expect(readable.stdout).toMatch(new RegExp(`^approved\\s+${approvedAt}$`, 'm'));
  expect(readable.stdout).toMatch(/^ {2}kycStatus now\s+passed$/m);

  const json = await kyc('status', userId, '--json');
  expect(json.code).toBe(0);
  expect(JSON.parse(json.stdout)).toMatchObject({
    userId,
    caseHistory: 'expired',
    watch: { workflowStatus: 'RUNNING', state: { approvedAt, kycStatus: 'passed', changeCount: 0 } },
  });
  await watch.cancel();
});

test('watch prints the phase changes through to the outcome, then exits 0', async () => {
  const [userId] = users('pending', 1) as [string];
  expect((await kyc('start', userId)).code).toBe(0);
  const watch = spawnKyc(['watch', userId, '--interval', '0.3'], env, dir);
  await eventually(() => (watch.output().stdout.includes('awaiting_kriptomat') ? true : undefined));
  t.partners.user(userId, 'passed');

  const { code, stdout } = await watch.exited;
  expect(code).toBe(0);
  const phases = stdout
    .split('\n')
    .map((line) => line.split(/\s+/)[1])
    .filter((phase, index, all) => phase && phase !== all[index - 1]);
  // A status change within a phase repeats the phase on its own line: count each phase once.
  expect(phases).toEqual(['checking', 'awaiting_kriptomat', 'approved', 'ended:']);
  expect(stdout).toMatch(/approved\s+kyc=passed edd=not_reported\n/);
  expect(stdout).toContain('case ended: approved');
});

test('watch stops cleanly on Ctrl-C', async () => {
  const [userId] = users('pending', 1) as [string];
  expect((await kyc('start', userId)).code).toBe(0);
  const watch = spawnKyc(['watch', userId, '--interval', '0.3'], env, dir);
  await eventually(() => (watch.output().stdout.includes('awaiting_kriptomat') ? true : undefined));
  watch.interrupt();
  const { code, stderr } = await watch.exited;
  expect(code).toBe(0);
  expect(stderr).toContain('stopped watching; the case goes on');
});

test('recheck looks now and prints the fresh state', async () => {
  const [userId] = users('pending', 1) as [string];
  // Its next scheduled read is an hour away, so only the recheck can see the decision: with the file's 1 s
  // schedule, the case's own poll could read it first and end the case before the recheck arrives.
  const started = await runKyc(['start', userId], { ...env, KYC_READ_SCHEDULE: '1h' }, dir);
  expect(started.code).toBe(0);
  await untilPhase(userId, 'awaiting_kriptomat');
  t.partners.user(userId, 'passed');
  const { code, stdout } = await kyc('recheck', userId, '--json');
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toMatchObject({ phase: 'approved', kycStatus: 'passed' });
  const closed = await kyc('recheck', userId);
  expect(closed.code).toBe(1);
});

test('cancel needs --reason (exit 2); with one, the case ends cancelled', async () => {
  const [userId] = users('pending', 1) as [string];
  expect((await kyc('start', userId)).code).toBe(0);
  const refused = await kyc('cancel', userId);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('--reason');

  const cancelled = await kyc('cancel', userId, '--reason', 'duplicate signup');
  expect(cancelled.code).toBe(0);
  const state = await untilPhase(userId, 'cancelled');
  expect(state.cancelReason).toBe('duplicate signup');
});

test('retry --all resumes every case parked in needs_attention', async () => {
  const parked = users('passed', 2);
  for (const userId of parked) t.partners.fail('readKycStatus', userId, 'contract');
  expect((await kyc('start', ...parked)).code).toBe(0);
  for (const userId of parked) await untilPhase(userId, 'needs_attention');
  await listedWith(parked, '--phase', 'needs_attention');
  for (const userId of parked) t.partners.heal('readKycStatus', userId);

  const { code, stdout } = await kyc('retry', '--all');
  expect(code).toBe(0);
  const retried = Number(/retried (\d+) cases in needs_attention, 0 failed/.exec(stdout)?.[1]);
  expect(retried).toBeGreaterThanOrEqual(parked.length);
  for (const userId of parked) await untilPhase(userId, 'approved');
});

test('a key that cannot decode the cases exits 4 naming the key variables', async () => {
  const [userId] = users('pending', 1) as [string];
  expect((await kyc('start', userId)).code).toBe(0);
  await untilPhase(userId, 'awaiting_kriptomat');
  const otherKey = { KYC_CODEC_KEY: `other-1:${Buffer.alloc(32, 9).toString('base64')}` };
  const { code, stderr } = await runKyc(['status', userId], { ...env, ...otherKey }, dir);
  expect(stderr).toContain('KYC_CODEC_KEY');
  expect(code).toBe(4);
});
