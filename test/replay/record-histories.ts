/**
 * Records the histories the replay test guards (`npm run record-histories`): one representative case per path
 * through the workflow, run by the current code on a dev server with fake partners, saved as JSON under
 * test/replay/histories/. Cases still open in each phase are saved too, since those are the histories a
 * restarted worker replays. Re-record only when a change is meant to be incompatible and old cases are handled
 * (see docs/changing-the-workflow.md); `npm run record-histories -- <name>…` records only the
 * named stories and leaves the other files as they were.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { KycCaseHandle } from '../../client/kyc-cases';
import { startOrJoinCase } from '../../client/kyc-cases';
import { FAILURE_CONVERTER_PATH } from '../../codec';
import { KYC_SEARCH_ATTRIBUTES, watchWorkflowId } from '../../domain';
import { resolveTemporalCli } from '../../scripts/temporal-cli';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import {
  cancelSignal,
  operatorCancelUpdate,
  operatorRecheckUpdate,
  operatorRetryUpdate,
  recheckUpdate,
  retrySignal,
  sumsubEventSignal,
} from '../../workflows/messages';
import { getWatchStateQuery, watchRecheckSignal } from '../../workflows/watch-messages';
import type { KycActivities } from '../../activities/contract';
import { untilState } from '../helpers/cases';
import { GENERATION } from './generation';
import { eventually } from '../helpers/temporal';
import { FAST_TIMINGS, REVIEWED, sumsubEvent } from '../helpers/fake-case-env';
import { FakeVendors } from '../helpers/fake-vendors';
import type { CaseTimings, KycCaseState, OpenPhase } from '../../domain';

const OUT = path.join(__dirname, 'histories', GENERATION);
const GREEN = REVIEWED.green;

type Story = (ctx: {
  partners: FakeVendors;
  userId: string;
  /** Starts the case; `watch` asks it to start the user's watch once approved. */
  start: (timings?: Partial<CaseTimings>, watch?: boolean) => Promise<KycCaseHandle>;
  until: (handle: KycCaseHandle, done: (state: KycCaseState) => boolean) => Promise<void>;
}) => Promise<KycCaseHandle>;

/** Each story drives one case to its end; the name is the history file's. */
const STORIES: Record<string, Story> = {
  'approved-at-once': async ({ partners, userId, start }) => {
    partners.user(userId, 'passed');
    return start();
  },
  // Its watch's history is saved beside it (`.watch.json`, see WATCHES).
  'approved-and-watched': async ({ partners, userId, start }) => {
    partners.user(userId, 'passed');
    return start({}, true);
  },
  'pending-then-approved-after-recheck': async ({ partners, userId, start, until }) => {
    partners.user(userId, 'pending');
    const handle = await start({ pollSchedule: ['1h'] });
    await until(handle, (state) => state.phase === 'awaiting_kriptomat');
    partners.user(userId, 'passed');
    await handle.executeUpdate(recheckUpdate);
    return handle;
  },
  'onboarded-after-resubmission': async ({ partners, userId, start, until }) => {
    partners.user(userId, 'not_started');
    const handle = await start();
    await until(handle, (state) => state.phase === 'awaiting_user');
    partners.review(userId, REVIEWED.redRetry);
    await handle.signal(sumsubEventSignal, sumsubEvent(userId, '2026-01-01T10:00:00.000Z'));
    await until(handle, (state) => state.review?.reviewAnswer === 'RED');
    await handle.signal(sumsubEventSignal, sumsubEvent(userId, '2026-01-01T10:00:00.000Z'));
    await until(handle, (state) => state.sumsubChecks >= 2);
    partners.review(userId, GREEN);
    await handle.signal(sumsubEventSignal, sumsubEvent(userId, '2026-01-01T11:00:00.000Z'));
    await until(handle, (state) => state.phase === 'awaiting_kriptomat');
    partners.user(userId, 'passed');
    return handle;
  },
  'rejected-by-sumsub': async ({ partners, userId, start, until }) => {
    partners.user(userId, 'not_started');
    const handle = await start();
    await until(handle, (state) => state.phase === 'awaiting_user');
    // A transaction-monitoring RED+FINAL first: acknowledged, never read as the KYC verdict.
    await handle.signal(
      sumsubEventSignal,
      sumsubEvent(userId, '2026-01-01T09:00:00.000Z', 'applicantKytTxnRejected'),
    );
    partners.review(userId, REVIEWED.redFinal);
    await handle.signal(sumsubEventSignal, sumsubEvent(userId, '2026-01-01T10:00:00.000Z'));
    return handle;
  },
  'approved-after-untyped-red-and-dropped-messages': async ({ partners, userId, start, until }) => {
    partners.user(userId, 'not_started');
    const handle = await start();
    await until(handle, (state) => state.phase === 'awaiting_user');
    partners.review(userId, REVIEWED.redUntyped);
    await handle.signal(sumsubEventSignal, sumsubEvent(userId, '2026-01-01T10:00:00.000Z'));
    await until(handle, (state) => state.review?.reviewAnswer === 'RED');
    // Input that breaks its schema is dropped unread; the case goes on.
    await handle.signal(sumsubEventSignal, { verdict: 'GREEN' } as never);
    await handle.signal(cancelSignal, { reason: 42 } as never);
    await until(handle, (state) => state.droppedMessages === 2);
    partners.review(userId, GREEN);
    await handle.signal(sumsubEventSignal, sumsubEvent(userId, '2026-01-01T11:00:00.000Z'));
    await until(handle, (state) => state.phase === 'awaiting_kriptomat');
    partners.user(userId, 'passed');
    return handle;
  },
  'approved-after-rate-limited-read': async ({ partners, userId, start, until }) => {
    partners.user(userId, 'passed').fail('readKycStatus', userId, 'rate_limited');
    const handle = await start();
    await until(handle, () => partners.calls.some((call) => call.name === 'readKycStatus'));
    partners.heal('readKycStatus', userId);
    return handle;
  },
  'unresolved-after-parked-deadline': async ({ partners, userId, start }) => {
    partners.user(userId, 'not_started').fail('ensureSumsubApplicant', userId, 'contract');
    return start({ parkedDeadline: '2s' });
  },
  'retried-after-needs-attention': async ({ partners, userId, start, until }) => {
    partners
      .user(userId, 'not_started')
      .review(userId, GREEN)
      .fail('shareApplicantWithKriptomat', userId, 'contract');
    const handle = await start();
    await until(handle, (state) => state.phase === 'needs_attention');
    partners.heal('shareApplicantWithKriptomat', userId);
    await handle.signal(retrySignal);
    await until(handle, (state) => state.phase === 'awaiting_kriptomat');
    partners.user(userId, 'declined');
    return handle;
  },
  // Each parking tells the partner `case.needs_attention`: a retry while the share still fails parks it again.
  'parked-twice-then-approved': async ({ partners, userId, start, until }) => {
    partners
      .user(userId, 'not_started')
      .review(userId, GREEN)
      .fail('shareApplicantWithKriptomat', userId, 'contract');
    const handle = await start();
    const parkings = (state: KycCaseState) =>
      state.phases.filter((p) => p.phase === 'needs_attention').length;
    await until(handle, (state) => parkings(state) === 1);
    await handle.signal(retrySignal);
    await until(handle, (state) => parkings(state) === 2);
    partners.heal('shareApplicantWithKriptomat', userId);
    await handle.signal(retrySignal);
    await until(handle, (state) => state.phase === 'awaiting_kriptomat');
    partners.user(userId, 'passed');
    return handle;
  },
  'expired-waiting-for-user': async ({ partners, userId, start }) => {
    partners.user(userId, 'not_started');
    return start({ userDeadline: '2s' });
  },
  'continued-as-new-then-expired': async ({ partners, userId, start }) => {
    partners.user(userId, 'pending');
    return start({ decisionDeadline: '4s', waitsPerRun: 2 });
  },
  // The audit trail's path: records flushed at each step, operator updates naming who (a parked share retried,
  // a recheck), the verdict, and the watch's status change; its watch is saved beside it.
  'audited-retried-rechecked-and-watched': async ({ partners, userId, start, until }) => {
    partners
      .user(userId, 'not_started')
      .review(userId, GREEN)
      .fail('shareApplicantWithKriptomat', userId, 'contract');
    const handle = await start({ pollSchedule: ['1h'] }, true);
    await until(handle, (state) => state.phase === 'needs_attention');
    partners.heal('shareApplicantWithKriptomat', userId);
    await handle.executeUpdate(operatorRetryUpdate, { args: [{ by: 'cli.anna', reason: 'share fixed' }] });
    await until(handle, (state) => state.phase === 'awaiting_kriptomat');
    partners.user(userId, 'passed');
    await handle.executeUpdate(operatorRecheckUpdate, { args: [{ by: 'api.partner-backend' }] });
    return handle;
  },
  'audited-operator-cancel': async ({ partners, userId, start, until }) => {
    partners.user(userId, 'pending');
    const handle = await start({ pollSchedule: ['1h'] });
    await until(handle, (state) => state.phase === 'awaiting_kriptomat');
    await handle.executeUpdate(operatorCancelUpdate, {
      args: [{ by: 'api.partner-backend', reason: 'recorded for replay' }],
    });
    return handle;
  },
  'cancelled-while-sumsub-is-down': async ({ partners, userId, start, until }) => {
    partners.user(userId, 'not_started').fail('ensureSumsubApplicant', userId, 'outage');
    const handle = await start();
    await until(handle, (state) => state.phase === 'sumsub_applicant');
    await handle.signal(cancelSignal, { reason: 'recorded for replay' });
    return handle;
  },
};

/**
 * The watch a story's approved case started, driven once it runs: its history is saved while it still watches
 * (a watch never ends by itself), then it is terminated.
 */
const WATCHES: Record<
  string,
  (ctx: { partners: FakeVendors; userId: string; watch: WorkflowHandle }) => Promise<void>
> = {
  'audited-retried-rechecked-and-watched': async ({ partners, userId, watch }) => {
    partners.user(userId, 'declined');
    await watch.signal(watchRecheckSignal, { reason: 'kriptomat_webhook' });
    await eventually(() =>
      partners.notifications.some((event) => event.userId === userId && event.type === 'case.status_changed')
        ? true
        : undefined,
    );
  },
  'approved-and-watched': async ({ partners, userId, watch }) => {
    partners.user(userId, 'declined');
    await watch.signal(watchRecheckSignal, { reason: 'kriptomat_webhook' });
    await watch.signal(watchRecheckSignal, { reason: 'not a reason' } as never);
    await eventually(async () => {
      const state = await watch.query(getWatchStateQuery);
      return state.reads >= 1 && state.droppedMessages === 1 ? true : undefined;
    });
    await eventually(() =>
      partners.notifications.some((event) => event.userId === userId && event.type === 'case.status_changed')
        ? true
        : undefined,
    );
  },
};

type InFlightStory = (ctx: Parameters<Story>[0]) => Promise<{ handle: KycCaseHandle; phase: OpenPhase }>;

/** Waits until an activity failing with an outage has been tried twice: the case is retrying it. */
async function retried(partners: FakeVendors, name: keyof KycActivities, userId: string): Promise<void> {
  await eventually(() => {
    const tries = partners.calls.filter((call) => call.name === name && call.userId === userId).length;
    return tries >= 2 ? true : undefined;
  });
}

/**
 * Each story leaves one case open in a phase; its history is saved while it waits there (the history a worker
 * restarted at that moment would replay), and then the case is terminated.
 */
const IN_FLIGHT: Record<string, InFlightStory> = {
  'in-flight-checking': async ({ partners, userId, start }) => {
    partners.user(userId, 'passed').fail('readKycStatus', userId, 'outage');
    const handle = await start();
    await retried(partners, 'readKycStatus', userId);
    return { handle, phase: 'checking' };
  },
  'in-flight-sumsub-applicant': async ({ partners, userId, start, until }) => {
    partners.user(userId, 'not_started').fail('ensureSumsubApplicant', userId, 'outage');
    const handle = await start();
    await until(handle, (state) => state.phase === 'sumsub_applicant');
    await retried(partners, 'ensureSumsubApplicant', userId);
    return { handle, phase: 'sumsub_applicant' };
  },
  'in-flight-awaiting-user': async ({ partners, userId, start, until }) => {
    partners.user(userId, 'not_started');
    const handle = await start();
    await until(handle, (state) => state.phase === 'awaiting_user');
    partners.review(userId, REVIEWED.redRetry);
    await handle.signal(sumsubEventSignal, sumsubEvent(userId, '2026-01-01T10:00:00.000Z'));
    await until(handle, (state) => state.review?.reviewAnswer === 'RED');
    return { handle, phase: 'awaiting_user' };
  },
  'in-flight-sharing': async ({ partners, userId, start, until }) => {
    partners
      .user(userId, 'not_started')
      .review(userId, GREEN)
      .fail('shareApplicantWithKriptomat', userId, 'outage');
    const handle = await start();
    await until(handle, (state) => state.phase === 'sharing');
    await retried(partners, 'shareApplicantWithKriptomat', userId);
    return { handle, phase: 'sharing' };
  },
  'in-flight-awaiting-kriptomat': async ({ partners, userId, start, until }) => {
    partners.user(userId, 'pending');
    const handle = await start({ pollSchedule: ['1s', '1h'] });
    await until(handle, (state) => state.phase === 'awaiting_kriptomat' && state.kriptomatChecks >= 2);
    return { handle, phase: 'awaiting_kriptomat' };
  },
  'in-flight-needs-attention': async ({ partners, userId, start, until }) => {
    partners.user(userId, 'not_started').fail('ensureSumsubApplicant', userId, 'contract');
    const handle = await start();
    await until(handle, (state) => state.phase === 'needs_attention');
    return { handle, phase: 'needs_attention' };
  },
};

/**
 * The last run's history in Temporal's standard JSON form, exported by the Temporal CLI as an operator would
 * (`temporal workflow show --output json`).
 */
async function exportHistory(
  cli: string,
  address: string,
  workflowId: string,
  runId?: string,
): Promise<string> {
  const run = runId ? ['--run-id', runId] : [];
  const { stdout } = await promisify(execFile)(
    cli,
    ['workflow', 'show', '--workflow-id', workflowId, ...run, '--output', 'json', '--address', address],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !(name in STORIES) && !(name in IN_FLIGHT));
  if (unknown.length > 0) throw new Error(`no such story: ${unknown.join(', ')}`);
  const wanted = (name: string) => only.length === 0 || only.includes(name);
  const cli = await resolveTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli },
      searchAttributes: [...KYC_SEARCH_ATTRIBUTES],
      ui: false,
    },
  });
  const partners = new FakeVendors();
  const taskQueue = 'record-histories';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    activities: partners.activities(),
    workflowsPath: WORKFLOWS_PATH,
    // The worker's failure converter (not the payload codec: saved histories stay readable without a key),
    // so failures decode in the workflow as in production (a 429's Retry-After).
    dataConverter: { failureConverterPath: FAILURE_CONVERTER_PATH },
  });
  await worker.runUntil(async () => {
    await fs.mkdir(OUT, { recursive: true });
    const context = (userId: string) => ({
      partners,
      userId,
      start: (timings?: Partial<CaseTimings>, watch?: boolean) =>
        startOrJoinCase(env.client, userId, {
          taskQueue,
          timings: { ...FAST_TIMINGS, ...timings },
          ...(watch && { watch: {} }),
        }),
      until: async (h: KycCaseHandle, done: (state: KycCaseState) => boolean) =>
        void (await untilState(h, done)),
    });
    for (const [name, story] of Object.entries(IN_FLIGHT).filter(([name]) => wanted(name))) {
      const { handle, phase } = await story(context(`replay-${name}`));
      await fs.writeFile(
        path.join(OUT, `${name}.json`),
        await exportHistory(cli, env.address, handle.workflowId),
      );
      await handle.terminate('recorded for replay');
      console.log(`${name}: open in ${phase}`);
    }
    for (const [name, story] of Object.entries(STORIES).filter(([name]) => wanted(name))) {
      const handle = await story(context(`replay-${name}`));
      const result = await handle.result();
      // The run that finished the case, and for a case that continued as new also its first run.
      const last = await exportHistory(cli, env.address, handle.workflowId);
      await fs.writeFile(path.join(OUT, `${name}.json`), last);
      if (result.runs > 1) {
        const first = await exportHistory(cli, env.address, handle.workflowId, handle.firstExecutionRunId);
        await fs.writeFile(path.join(OUT, `${name}.run-1.json`), first);
      }
      console.log(`${name}: ${result.phases.map((p) => p.phase).join(' → ')} (runs: ${result.runs})`);
      const drive = WATCHES[name];
      if (drive) {
        const userId = `replay-${name}`;
        const watch = env.client.workflow.getHandle(watchWorkflowId(userId));
        await drive({ partners, userId, watch });
        await fs.writeFile(
          path.join(OUT, `${name}.watch.json`),
          await exportHistory(cli, env.address, watch.workflowId),
        );
        await watch.terminate('recorded for replay');
        console.log(`${name}: its watch saved while watching`);
      }
    }
  });
  await env.teardown();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
