import type { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { z } from 'zod';
import { ApiClient } from '../api-client';
import type { CliContext } from '../context';
import { EXIT, UsageError } from '../exit-codes';
import { userIdArgument } from '../options';

/** The API's answers, as far as the CLI reads them (api/schemas.ts `AuditTrail`, `AuditVerification`). */
const trailSchema = z.object({
  pseudonym: z.string(),
  erased: z.boolean(),
  entries: z.array(
    z.object({
      seq: z.number(),
      at: z.string(),
      kind: z.string(),
      data: z.record(z.string(), z.unknown()),
      text: z.union([z.record(z.string(), z.string()), z.literal('sealed')]).optional(),
      // Absent from records written before runs were named, and from an API older than the field.
      run: z.object({ id: z.string(), original: z.string().optional(), workflow: z.string() }).optional(),
    }),
  ),
});
type TrailEntry = z.infer<typeof trailSchema>['entries'][number];
const verificationSchema = z.object({
  ok: z.boolean(),
  chains: z.array(
    z.object({
      pseudonym: z.string(),
      rows: z.number(),
      // Absent from a chain without rows, and from an API older than the field.
      head: z.string().optional(),
      firstBad: z.object({ seq: z.number(), reason: z.string(), detail: z.string() }).optional(),
      // Absent from an API older than the flags.
      flags: z
        .array(z.object({ runId: z.string(), flag: z.string(), workflow: z.string().optional() }))
        .default([]),
    }),
  ),
});

type Verification = z.infer<typeof verificationSchema>;

/**
 * A checkpoint's file, as `--checkpoint-out` writes it and `--against` reads it back: when it was taken, and
 * each chain with rows by pseudonym, row count and head (audit/checkpoint.ts `CheckpointChain`). Kept outside
 * the database, it is what finds rows deleted from a chain's end. Checked as the API checks it (api/schemas.ts
 * `AuditCheckpoint`), so a file edited by hand or cut short is refused with the file named.
 */
const checkpointFileSchema = z.object({
  version: z.literal(1),
  takenAt: z.iso.datetime(),
  chains: z.array(
    z.object({
      pseudonym: z
        .string()
        .max(64)
        .regex(/^p_[A-Za-z0-9_-]+$/, 'must be a pseudonym: p_ and base64url characters'),
      rows: z.number().int().min(1),
      head: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
    }),
  ),
});
type CheckpointFile = z.infer<typeof checkpointFileSchema>;

/** The API's answer to a checkpoint (api/schemas.ts `AuditCheckpointComparison`), as far as the CLI reads it. */
const comparisonSchema = z.object({
  checked: z.number(),
  mismatches: z.array(z.object({ pseudonym: z.string(), finding: z.string(), detail: z.string() })),
});

/** The most chains one `POST /v1/audit/verify` takes (api/schemas.ts `MAX_CHECKPOINT_CHAINS`). */
const CHAINS_PER_REQUEST = 1000;

/**
 * Writes the checkpoint of a verification to `path` (created, refused if it exists). Only of a trail that
 * verifies: a checkpoint of a bad chain would anchor the tampering as the truth.
 */
async function writeCheckpoint(ctx: CliContext, path: string, answer: Verification): Promise<void> {
  if (!answer.ok) {
    ctx.err(`checkpoint not written to ${path}: the trail does not verify`);
    return;
  }
  const chains = answer.chains.flatMap(({ pseudonym, rows, head }) =>
    head === undefined ? [] : [{ pseudonym, rows, head }],
  );
  const checkpoint: CheckpointFile = { version: 1, takenAt: new Date().toISOString(), chains };
  await writeFile(path, `${JSON.stringify(checkpoint, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  ctx.err(`wrote ${path} (${chains.length} chains)`);
}

/**
 * The checkpoint in `path`, validated: what is wrong with it named with the file, before the trail is read
 * (exit 2). A checkpoint is JSON as `--checkpoint-out` writes it (audit/checkpoint.ts `checkpointFileSchema`).
 */
async function readCheckpoint(path: string): Promise<CheckpointFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = checkpointFileSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
  throw new UsageError(
    `${path} is not a checkpoint (kyc audit verify --checkpoint-out): ${issues.join('; ')}`,
  );
}

/**
 * Compares the trail with a checkpoint through the API, `CHAINS_PER_REQUEST` chains at a time; prints a BAD
 * line per chain that no longer matches (its chain, finding and detail). Says whether every chain matched.
 */
async function compareWith(
  print: (line: string) => void,
  api: ApiClient,
  { path, checkpoint }: { path: string; checkpoint: CheckpointFile },
): Promise<boolean> {
  let mismatches = 0;
  for (let start = 0; start < checkpoint.chains.length; start += CHAINS_PER_REQUEST) {
    const chains = checkpoint.chains.slice(start, start + CHAINS_PER_REQUEST);
    const answer = comparisonSchema.parse(await api.json('POST', '/v1/audit/verify', undefined, { chains }));
    for (const { pseudonym, finding, detail } of answer.mismatches)
      print(`BAD  ${shown(pseudonym)}  ${shown(finding)}: ${shown(detail)}`);
    mismatches += answer.mismatches.length;
  }
  print(
    `against ${path} (taken ${checkpoint.takenAt}): ${checkpoint.chains.length} chains, ${mismatches} bad`,
  );
  return mismatches === 0;
}

/** `since` as the API takes it: a date (`2026-01-31`) or an ISO date-time. */
function sinceArgument(value: string): string {
  const parsed = z.iso
    .date()
    .or(z.iso.datetime({ offset: true }))
    .safeParse(value);
  if (!parsed.success) throw new UsageError('--since must be a date (2026-01-31) or an ISO date-time');
  return parsed.data;
}

/** One value of a record, on one line: control characters shown escaped, never interpreted by the terminal. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text).slice(1, -1);
}

/** How many characters of a run id name it on a line: enough to tell a user's few runs apart. */
const RUN_ID_SHOWN = 8;

/** The run that wrote a record, briefly: `run=1a2b3c4d (case)`, `run=1a2b3c4d (case, reset from 9f8e7d6c)`. */
function runField(run: NonNullable<TrailEntry['run']>): string {
  const short = (id: string) => shown(id.slice(0, RUN_ID_SHOWN));
  const reset = run.original === undefined ? '' : `, reset from ${short(run.original)}`;
  return `run=${short(run.id)} (${shown(run.workflow)}${reset})`;
}

/** One record as one line: seq, time, kind, its fields, its free text when it still opens, and its run. */
function recordLine(entry: TrailEntry): string {
  const fields = Object.entries(entry.data).map(([key, value]) => `${key}=${shown(value)}`);
  if (entry.text === 'sealed') fields.push('text=(sealed)');
  else if (entry.text)
    fields.push(...Object.entries(entry.text).map(([key, value]) => `${key}="${shown(value)}"`));
  if (entry.run) fields.push(runField(entry.run));
  return [String(entry.seq).padStart(4), entry.at, entry.kind, ...fields].join('  ');
}

/** `kyc audit <userId>`, `kyc audit verify`, `kyc audit export`: the audit trail, through the API. */
export function registerAudit(program: Command, ctx: CliContext): void {
  const api = () => ApiClient.fromConfig(ctx.config(), 'kyc audit');
  const audit = program
    .command('audit')
    .description("print a user's audit trail; `verify` checks every chain, `export` writes JSON lines")
    .argument('[userId]', 'Kriptomat user id', userIdArgument)
    .option('--json', 'print the trail as the API answers it')
    .addHelpText(
      'after',
      `
Goes through the API (KYC_API_URL, KYC_API_TOKEN): the trail lives in its database. Exits 3 when the trail
holds nothing of the user. The trail outlives Temporal: a case whose history is gone is still printed.
Each record ends with the run that wrote it, by the first 8 characters of its run id and its workflow (case,
watch or records), and the run it was reset from when a Temporal reset made it; older records name none.

\`verify\` also warns (on stderr) of each run that wrote a chain and was ended or reset outside the engine:
reset (a Temporal reset made the run), terminated, cancelled or timed-out (Temporal closed it without the
engine's closing record), unclosed (the latest case run has no closing record and Temporal no longer knows
it). A flag is not tampering: it does not change the exit code.

\`verify --checkpoint-out FILE\` also writes a checkpoint (the time, and each chain's pseudonym, row count and
head) when every chain verifies. Keep it outside the database: it is what shows rows deleted from a chain's
end, or a whole chain deleted, which leave a prefix that verifies.

\`verify --against FILE\` also compares the trail with such a checkpoint: one BAD line per chain of it that is
missing (deleted), shortened (rows deleted from its end) or rewritten (its row at the checkpoint's count has
another head), and exit 1 if any. A chain that only grew since is fine. Exit 2 if the file is not a checkpoint.

Examples:
  $ kyc audit 123456
  $ kyc audit verify
  $ kyc audit verify --checkpoint-out checkpoint-2026-01-31.json
  $ kyc audit verify --against checkpoint-2026-01-31.json
  $ kyc audit export --since 2026-01-01 --out audit.jsonl`,
    )
    .action(async (userId: string | undefined, options: { json?: boolean }) => {
      if (!userId) throw new UsageError('name a user id, or verify, or export');
      const answer = await api().json('GET', `/v1/cases/${encodeURIComponent(userId)}/audit`, userId);
      if (options.json) return ctx.json(answer);
      const trail = trailSchema.parse(answer);
      ctx.out(`audit trail of ${userId} (${trail.pseudonym}${trail.erased ? ', erased' : ''})`);
      for (const entry of trail.entries) ctx.out(recordLine(entry));
    });

  audit
    .command('verify')
    .description(
      "check every chain's hashes and signed heads; exits 1 naming each bad chain and row, and warns of runs ended or reset outside the engine",
    )
    .option('--json', 'print the reports as the API answers them')
    .option(
      '--checkpoint-out <file>',
      "when every chain verifies, write each chain's row count and head to this file (created; refused if it exists), to keep outside the database",
    )
    .option(
      '--against <file>',
      'also compare the trail with a checkpoint written by --checkpoint-out: names each chain deleted, shortened or rewritten since',
    )
    .action(async (_options: unknown, command: Command) => {
      // `--json` is also an option of `kyc audit`, which takes it wherever it stands: read both levels.
      const options = command.optsWithGlobals<{
        json?: boolean;
        checkpointOut?: string;
        against?: string;
      }>();
      // Read first: a file that is no checkpoint is refused before the whole trail is verified.
      const against = options.against && {
        path: options.against,
        checkpoint: await readCheckpoint(options.against),
      };
      const client = api();
      const answer = verificationSchema.parse(await client.json('GET', '/v1/audit/verify'));
      if (options.json) ctx.json(answer);
      const bad = answer.chains.filter((chain) => chain.firstBad);
      for (const chain of answer.chains) {
        if (options.json) break;
        const { firstBad } = chain;
        if (firstBad)
          ctx.out(`BAD  ${chain.pseudonym}  row ${firstBad.seq}: ${firstBad.reason} (${firstBad.detail})`);
        else ctx.out(`ok   ${chain.pseudonym}  ${chain.rows} rows`);
      }
      for (const chain of bad)
        ctx.err(`chain ${chain.pseudonym} fails at row ${chain.firstBad?.seq}: ${chain.firstBad?.reason}`);
      // A flag is a warning, not tampering: the exit code stays 0 when every row verifies.
      const flags = answer.chains.flatMap((chain) => chain.flags.map((flag) => ({ chain, flag })));
      for (const { chain, flag } of flags) {
        const workflow = flag.workflow ? ` (${flag.workflow})` : '';
        ctx.err(`warning: chain ${chain.pseudonym} run ${flag.runId}${workflow}: ${flag.flag}`);
      }
      if (!options.json)
        ctx.out(`${answer.chains.length} chains, ${bad.length} bad, ${flags.length} runs flagged`);
      if (options.checkpointOut) await writeCheckpoint(ctx, options.checkpointOut, answer);
      // With --json, stdout holds the reports only: the comparison's lines go to stderr.
      const print = options.json ? ctx.err.bind(ctx) : ctx.out.bind(ctx);
      const matched = against ? await compareWith(print, client, against) : true;
      if (bad.length > 0 || !matched) ctx.exitCode = EXIT.failed;
    });

  audit
    .command('export')
    .description('write every record since a date as JSON lines, for a regulator (by pseudonym)')
    .requiredOption(
      '--since <date>',
      'records at or after this date (2026-01-31) or ISO date-time',
      sinceArgument,
    )
    .option('--out <file>', 'write to this file (created; refused if it exists) instead of stdout')
    .action(async (options: { since: string; out?: string }) => {
      const response = await api().request(
        'GET',
        `/v1/audit/export?since=${encodeURIComponent(options.since)}`,
      );
      if (!response.body) return;
      const lines = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
      if (options.out) {
        const file = createWriteStream(options.out, { flags: 'wx', mode: 0o600 });
        await once(file, 'open');
        await pipeline(lines, file);
        ctx.err(`wrote ${options.out}`);
        return;
      }
      // Decoded as a stream, so a character split between chunks is written whole.
      for await (const chunk of lines.setEncoding('utf8')) ctx.io.stdout.write(String(chunk));
    });
}
