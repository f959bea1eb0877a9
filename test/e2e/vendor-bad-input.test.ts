import { SumsubClient } from '../../vendors/sumsub/client';
import { MAX_VENDOR_BODY_BYTES } from '../../vendors/http/limits';
import { startOrJoinCase } from '../../client/kyc-cases';
import type { KycCaseHandle } from '../../client/kyc-cases';
import { loadWorkerConfig } from '../../config';
import type { CaseErrorRecord, CaseOutcome, CaseTimings, KycCaseState, OpenPhase } from '../../domain';
import { CORRUPTION_KINDS, CORRUPTION_MARKERS } from '../../sandbox/shared/corruptions';
import type { CorruptibleEndpoint, CorruptionKind, CorruptionRule } from '../../sandbox/shared/corruptions';
import { createKycWorker } from '../../worker/create-worker';
import { retrySignal } from '../../workflows/messages';
import { phasesOf, untilState } from '../helpers/cases';
import { TEST_CODEC_ENV } from '../helpers/codec';
import { countBy, formatTable, printFigures } from '../helpers/figures';
import type { SandboxEngine } from '../helpers/sandbox-engine';
import { startSandboxEngine } from '../helpers/sandbox-engine';
import { eventually, runInBackground, testWorkflowSource, uniqueTaskQueue } from '../helpers/temporal';
import { loginWorkerEnv } from '../helpers/kriptomat-partner';

/**
 * Malformed answers from both vendors, one corpus entry at a time on each endpoint a case calls, served by
 * the simulators over real HTTP to the real worker. Every body the engine cannot use parks the case in
 * `needs_attention` with an error naming the vendor, the endpoint and what was wrong (a field path or the
 * kind of body), never a value; a gateway's 502 page is an outage the activity retries; an extra field is
 * tolerated. Once the vendor answers properly again, a `retry` completes the case as its scenario says, the
 * worker carries on with every other case meanwhile, and no user is imported twice.
 */
jest.setTimeout(15 * 60_000);

/** Waits on a busy machine: 65 cases share two cores. Polling deadlines, not expectations of speed. */
const PATIENCE_MS = 5 * 60_000;
const TIMINGS: Partial<CaseTimings> = { pollSchedule: ['1s'], reviewPollInterval: '2s', jitter: 0 };
/** Cases started at once; the rest wait their turn. */
const CONCURRENCY = 12;

const LOGIN = {
  clientId: 'bad-input-client',
  clientSecret: 'bad-input-client-secret-DO-NOT-LEAK',
  email: 'partner@sandbox.invalid',
  password: 'bad-input-password-DO-NOT-LEAK',
  totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DP',
  // Every login needs a later TOTP window than the last (Kriptomat refuses a code twice): a test account with
  // 2 s windows keeps the login trials from waiting out Google Authenticator's 30 s each time.
  totpPeriodSeconds: 2,
};

/** An endpoint a case calls, and how a case is made to call it. */
interface Target {
  endpoint: CorruptibleEndpoint;
  /** How the engine names it in errors. */
  named: string;
  /** The user scenario whose path calls it. */
  scenario: string;
  /** The phase whose step calls it: where a contract error parks the case. */
  step: OpenPhase;
  /** The field the field-level kinds change. */
  field: string;
  /** An enum (or literal) field, when the answer has one: `unknown_enum` is tried only then. */
  enumField?: string;
  outcome: CaseOutcome;
  /** Cases on the worker that logs in to Kriptomat (run one at a time: they share its session). */
  login?: boolean;
  /** Before the case starts. */
  prepare?: (userId: string) => Promise<void>;
  /** Once the corruption is cleared (and the case retried): what a person does to finish the story. */
  finish?: (handle: KycCaseHandle) => Promise<void>;
}

let engine: SandboxEngine;
let sumsub: SumsubClient;
let loginQueue: string;
let stopLoginWorker: () => Promise<void>;

const TARGETS: Target[] = [
  {
    endpoint: 'showUser',
    named: 'Kriptomat GET /api/v1/partners/users/{userId}',
    scenario: 'passed',
    step: 'checking',
    field: 'data.kyc_status',
    enumField: 'data.kyc_status',
    outcome: 'approved',
  },
  {
    endpoint: 'login',
    named: 'Kriptomat POST /api/v1/partners/auth/login',
    scenario: 'passed',
    step: 'checking',
    field: 'access_token',
    outcome: 'approved',
    login: true,
  },
  {
    endpoint: 'createApplicant',
    named: 'SumSub POST /resources/applicants',
    scenario: 'onboard',
    step: 'sumsub_applicant',
    field: 'id',
    enumField: 'review.reviewStatus',
    outcome: 'approved',
  },
  {
    // Reached when the applicant exists already (SumSub answers the create 409).
    endpoint: 'applicantByExternalId',
    named: 'SumSub GET /resources/applicants/-;externalUserId={externalUserId}/one',
    scenario: 'onboard',
    step: 'sumsub_applicant',
    field: 'id',
    enumField: 'review.reviewStatus',
    outcome: 'approved',
    prepare: async (userId) => {
      await sumsub.createApplicant(engine.config.SUMSUB_LEVEL_NAME, { externalUserId: userId });
    },
  },
  {
    // Read by the fallback poll while the user (who never finishes alone) verifies; a person then approves.
    endpoint: 'applicantStatus',
    named: 'SumSub GET /resources/applicants/{applicantId}/status',
    scenario: 'not_started',
    step: 'awaiting_user',
    field: 'reviewStatus',
    enumField: 'reviewStatus',
    outcome: 'approved',
    finish: async (handle) => {
      const state = await untilState(handle, (s) => s.phase === 'awaiting_user', PATIENCE_MS);
      await sumsub.completeTestReview(state.review?.applicantId ?? '', {
        reviewAnswer: 'GREEN',
        rejectLabels: [],
      });
    },
  },
  {
    endpoint: 'shareToken',
    named: 'SumSub POST /resources/accessTokens/-/shareToken',
    scenario: 'onboard',
    step: 'sharing',
    field: 'token',
    outcome: 'approved',
  },
  {
    endpoint: 'importKyc',
    named: 'Kriptomat POST /v1/users/{userId}/kyc-import',
    scenario: 'onboard',
    step: 'sharing',
    field: 'status',
    enumField: 'status',
    outcome: 'approved',
  },
];

/** What a contract error must say for each kind (the field-level kinds name the field, `<field>: ...`). */
const BODY_PROBLEMS: Partial<Record<CorruptionKind, string>> = {
  html_200: '(body): an HTML page, not JSON',
  empty_body: '(body): empty, expected a JSON object',
  oversized_body: `(body): larger than the ${MAX_VENDOR_BODY_BYTES} bytes accepted`,
  truncated_json: '(body): malformed or truncated JSON',
  json_null: '(body): Invalid input: expected object, received null',
  json_array: '(body): Invalid input: expected object, received array',
};

/** How the engine is expected to meet each kind. */
type Expected = 'parks' | 'retries' | 'tolerates';
const expectedFor = (kind: CorruptionKind): Expected =>
  kind === 'html_502' ? 'retries' : kind === 'extra_field' ? 'tolerates' : 'parks';

interface Trial {
  target: Target;
  kind: CorruptionKind;
  userId: string;
}

interface Observation {
  trial: Trial;
  /** What parked the case, if anything did. */
  parked: CaseErrorRecord | null;
  /** Corrupted answers the simulator served for this trial. */
  served: number;
  result: KycCaseState;
  /** Share tokens Kriptomat redeemed for the user: its imports. */
  imports: number;
}

const run = Date.now();
const TRIALS: Trial[] = TARGETS.flatMap((target) =>
  CORRUPTION_KINDS.filter((kind) => kind !== 'unknown_enum' || target.enumField).map((kind) => ({
    target,
    kind,
    userId: `${target.scenario}-${target.endpoint}-${kind.replace(/_/g, '-')}-${run}`,
  })),
);
const CONTROLS = [`passed-control-${run}`, `onboard-control-${run}`];

/** The rules in force: one per trial user, and the login rule (Kriptomat login names no user). */
const active = new Map<string, CorruptionRule>();
const KRIPTOMAT_ENDPOINTS: readonly string[] = ['login', 'showUser', 'importKyc'];
function applyRules(): void {
  const rules = [...active.values()];
  engine.sandbox.kriptomat.setCorruptions(
    rules.filter((rule) => KRIPTOMAT_ENDPOINTS.includes(rule.endpoint)),
  );
  engine.sandbox.sumsub.setCorruptions(rules.filter((rule) => !KRIPTOMAT_ENDPOINTS.includes(rule.endpoint)));
}

function ruleOf({ target, kind, userId }: Trial): CorruptionRule {
  const field = kind === 'unknown_enum' ? target.enumField : target.field;
  return { endpoint: target.endpoint, kind, field, ...(!target.login && { userIds: [userId] }) };
}

/** Corrupted answers served for a trial (for login, which names no user: since `since`). */
function servedFor({ target, kind, userId }: Trial, since: number): number {
  return engine.sandbox.log.requests
    .slice(since)
    .filter(
      (request) =>
        request.endpoint === target.endpoint &&
        request.corruption === kind &&
        (target.login || request.userId === userId),
    ).length;
}

/** One trial, start to end: corrupt, start the case, see what the engine made of it, clear, retry, finish. */
async function drive(trial: Trial): Promise<Observation> {
  const { target, kind, userId } = trial;
  await target.prepare?.(userId);
  const since = engine.sandbox.log.requests.length;
  active.set(target.login ? 'login' : userId, ruleOf(trial));
  applyRules();
  // The login worker's session from the previous trial would spare it the (corrupted) login.
  if (target.login) engine.sandbox.kriptomat.sessions.revokeAll();
  const handle = await startOrJoinCase(engine.client, userId, {
    taskQueue: target.login ? loginQueue : engine.config.TEMPORAL_TASK_QUEUE,
    timings: TIMINGS,
  });

  let parked: CaseErrorRecord | null = null;
  if (expectedFor(kind) === 'parks') {
    parked = (await untilState(handle, (s) => s.phase === 'needs_attention', PATIENCE_MS)).lastError;
  } else {
    // The 502 is cleared as soon as it was served once: the case must get past it without a person.
    await eventually(() => (servedFor(trial, since) > 0 ? true : undefined), PATIENCE_MS);
  }

  active.delete(target.login ? 'login' : userId);
  applyRules();
  if (parked) await handle.signal(retrySignal);
  await target.finish?.(handle);
  const result = await handle.result();
  return {
    trial,
    parked,
    served: servedFor(trial, since),
    result,
    // Redemptions, not 2xx answers: a corrupted answer may hide an import that did happen.
    imports: engine.sandbox.log.shareTokensRedeemed.get(userId) ?? 0,
  };
}

/** Runs `tasks` at most `limit` at a time, each result promise settling on its own. */
function pooled<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T>[] {
  let running = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    running -= 1;
    queue.shift()?.();
  };
  return tasks.map(async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      release();
    }
  });
}

const observations = new Map<Trial, Promise<Observation>>();
let controls: Promise<KycCaseState[]>;

beforeAll(async () => {
  engine = await startSandboxEngine('vendor-bad-input', {
    credentials: { kriptomatLogin: LOGIN },
    // A 409 whose description names the applicant is resolved without the lookup: leave the id out, so an
    // existing applicant is looked up by external user id, the endpoint under test.
    conflictDescription: 'without_id',
  });
  sumsub = new SumsubClient({
    baseUrl: engine.config.SUMSUB_BASE_URL,
    appToken: engine.config.SUMSUB_APP_TOKEN,
    secretKey: engine.config.SUMSUB_SECRET_KEY,
  });
  // A second worker, on its own queue, that logs in to Kriptomat instead of using the static token.
  loginQueue = uniqueTaskQueue('vendor-bad-input-login');
  const withoutToken = Object.entries(engine.sandbox.workerEnv).filter(
    ([name]) => name !== 'KRIPTOMAT_TOKEN',
  );
  const loginConfig = loadWorkerConfig({
    ...Object.fromEntries(withoutToken),
    ...TEST_CODEC_ENV,
    ...loginWorkerEnv(LOGIN),
    TEMPORAL_ADDRESS: engine.env.address,
    TEMPORAL_NAMESPACE: engine.env.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: loginQueue,
  });
  stopLoginWorker = runInBackground(
    await createKycWorker(engine.env.nativeConnection, loginConfig, testWorkflowSource()),
  );

  // Cases untouched by any corruption, running alongside: the worker serves them all the while.
  controls = Promise.all(CONTROLS.map(async (userId) => (await engine.start(userId, TIMINGS)).result()));
  controls.catch(() => undefined);
  const [loginTrials, otherTrials] = [
    TRIALS.filter((t) => t.target.login),
    TRIALS.filter((t) => !t.target.login),
  ];
  const results = pooled(
    otherTrials.map((trial) => () => drive(trial)),
    CONCURRENCY,
  );
  otherTrials.forEach((trial, i) => observations.set(trial, results[i]!));
  // The login trials share one worker's session: one after another.
  let previous: Promise<unknown> = Promise.resolve();
  for (const trial of loginTrials) {
    const observation = previous.then(() => drive(trial));
    observations.set(trial, observation);
    previous = observation.catch(() => undefined);
  }
  for (const observation of observations.values()) observation.catch(() => undefined);
});

afterAll(async () => {
  const settled = await Promise.all(
    [...observations.values()].map((observation) => observation.catch(() => null)),
  );
  printVendorFigures(
    settled.filter((o): o is Observation => o !== null),
    TRIALS.length,
  );
  await stopLoginWorker?.();
  await engine?.stop();
});

/** The offending values a message must never repeat: the corruptions' own, and the simulated profile. */
function forbiddenIn(userId: string): string[] {
  return [
    ...Object.values(CORRUPTION_MARKERS).map(String),
    `${userId}@sandbox.invalid`,
    `Box-${userId}`,
    'Sandy',
    '+10000000000',
    '1990-01-01',
    'Sandbox street',
    LOGIN.password,
    LOGIN.clientSecret,
  ];
}

describe.each(TARGETS.map((target) => [target.endpoint, target] as const))('%s', (_, target) => {
  const trials = TRIALS.filter((trial) => trial.target === target);

  it.each(trials.map((trial) => [trial.kind, trial] as const))('%s', async (kind, trial) => {
    const observation = await observations.get(trial)!;
    const { parked, result, served } = observation;

    expect(served).toBeGreaterThan(0); // the corrupted answer really was served
    expect(result).toMatchObject({ outcome: target.outcome, lastError: null });
    expect(observation.imports).toBe(target.scenario === 'passed' ? 0 : 1);

    const expected = expectedFor(kind);
    const parkings = phasesOf(result).filter((phase) => phase === 'needs_attention').length;
    if (expected !== 'parks') {
      // Nobody had to step in: the activity retried past the 502, the extra field was ignored.
      expect(parkings).toBe(0);
      return;
    }
    expect(parkings).toBe(1);
    expect(parked).toMatchObject({ type: 'ContractViolation', step: target.step });
    const message = parked?.message ?? '';
    expect(message).toContain(`${target.named}, HTTP 200`);
    const field = kind === 'unknown_enum' ? target.enumField : target.field;
    expect(message).toContain(BODY_PROBLEMS[kind] ?? `${field}: `);
    // What was there instead, by kind only: missing, or the JSON type received.
    if (kind === 'missing_field') expect(message).toMatch(new RegExp(`${field}: [^;]*\\(missing\\)`));
    if (kind === 'wrong_type' || kind === 'unknown_enum')
      expect(message).toMatch(new RegExp(`${field}: [^;]*received (a )?(number|string)`));
    for (const value of forbiddenIn(trial.userId)) expect(message).not.toContain(value);
  });
});

describe('the worker, meanwhile', () => {
  it('brought the untouched cases to their outcomes, and still takes new ones', async () => {
    expect((await controls).map((state) => [state.userId, state.outcome, state.lastError])).toEqual(
      CONTROLS.map((userId) => [userId, 'approved', null]),
    );
    await Promise.all([...observations.values()].map((observation) => observation.catch(() => null)));
    const after = await (await engine.start(`onboard-after-${run}`, TIMINGS)).result();
    expect(after).toMatchObject({ outcome: 'approved', lastError: null });
  });
});

function printVendorFigures(observed: Observation[], tried: number): void {
  const outcomeOf = (o: Observation) => {
    const how = o.parked ? 'needs_attention→retry' : o.trial.kind === 'html_502' ? 'retried' : 'tolerated';
    return `${how}→${o.result.outcome ?? 'open'}`;
  };
  const byKind = CORRUPTION_KINDS.map((kind) => {
    const row: Record<string, string> = { kind };
    for (const target of TARGETS) {
      const o = observed.find((x) => x.trial.kind === kind && x.trial.target === target);
      row[target.endpoint] = o
        ? outcomeOf(o)
        : TRIALS.some((t) => t.kind === kind && t.target === target)
          ? 'FAILED'
          : '-';
    }
    return row;
  });
  const totals = [...countBy(observed, outcomeOf)].map(([outcome, count]) => ({ outcome, cases: count }));
  const served = observed.reduce((sum, o) => sum + o.served, 0);
  const imports = observed.filter((o) => o.imports > 1).length;
  printFigures(
    'Vendor bad input: corrupted answer per endpoint, and what the case made of it',
    [formatTable('Outcome per corpus entry and endpoint', byKind), formatTable('Totals', totals)],
    `${tried} inputs tried (${CORRUPTION_KINDS.length} kinds x ${TARGETS.length} endpoints, unknown_enum only ` +
      `where an enum exists), ${observed.length} completed as their scenario says, ${served} corrupted answers ` +
      `served, ${imports} users imported twice, ${CONTROLS.length + 1} untouched cases approved alongside.`,
  );
}
