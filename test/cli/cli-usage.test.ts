import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TEST_CODEC_ENV } from '../helpers/codec';
import { freePort } from '../helpers/ports';
import { kyc } from './cli-process';

// What the CLI answers before (or instead of) talking to a case: help, usage, configuration, a dead address.
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kyc-cli-usage-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test('--help lists every command and the exit codes', async () => {
  const { code, stdout } = await kyc(['--help'], {}, dir);
  expect(code).toBe(0);
  for (const command of ['start', 'status', 'list', 'watch', 'recheck', 'retry', 'cancel', 'token']) {
    expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  }
  expect(stdout).toContain('Exit codes:');
  for (const line of ['0  ok', '1  the operation failed', '2  usage error', '3  case not found']) {
    expect(stdout).toContain(line);
  }
  expect(stdout).toContain('4  configuration error');
  expect(stdout).toContain('5  Temporal unreachable');
  const start = await kyc(['start', '--help'], {}, dir);
  expect(start.stdout).toContain('$ kyc start --file users.csv');
});

test('usage errors exit 2 with a message, before any configuration is read', async () => {
  const cases: [string[], string][] = [
    [['cancel', 'u-1'], "required option '-r, --reason <text>' not specified"],
    [['list', '--phase', 'sleeping'], 'allowed values: checking, sumsub_applicant'],
    [['list', '--outcome', 'maybe'], 'allowed values: approved, rejected, expired, cancelled'],
    [['start'], 'name user ids, or a CSV with --file'],
    [['start', '--concurrency', '0', 'u-1'], 'must be a whole number from 1 to 64'],
    [['status', 'not a user'], "invalid for argument 'userId'"],
    [['retry'], 'name one user id, or --all'],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [[], 'Usage: kyc'],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await kyc(args, {}, dir);
    expect({ args, code }).toEqual({ args, code: 2 });
    expect(stderr).toContain(message);
  }
});

test('a missing KYC_CODEC_KEY exits 4 naming it, without a stack', async () => {
  const { code, stderr, stdout } = await kyc(['list'], { TEMPORAL_ADDRESS: '127.0.0.1:7233' }, dir);
  expect(code).toBe(4);
  expect(stderr).toContain('KYC_CODEC_KEY');
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stdout).toBe('');
});

test('--env-file is read instead of ./.env: a malformed key in it exits 4 naming the variable', async () => {
  const file = path.join(dir, 'ops.env');
  await writeFile(file, 'KYC_CODEC_KEY=not-a-key\n');
  const { code, stderr } = await kyc(['--env-file', file, 'list'], {}, dir);
  expect(code).toBe(4);
  expect(stderr).toContain('KYC_CODEC_KEY');
});

test('kyc token without SumSub credentials exits 4 naming them', async () => {
  const { code, stderr } = await kyc(['token', 'u-1'], { ...TEST_CODEC_ENV }, dir);
  expect(code).toBe(4);
  expect(stderr).toContain('SUMSUB_APP_TOKEN and SUMSUB_SECRET_KEY');
});

test('a Temporal address nobody listens on exits 5', async () => {
  const address = `127.0.0.1:${await freePort()}`;
  const { code, stderr } = await kyc(['status', 'u-1', '--address', address], { ...TEST_CODEC_ENV }, dir);
  expect(code).toBe(5);
  expect(stderr).toContain(`cannot reach Temporal at ${address}`);
});
