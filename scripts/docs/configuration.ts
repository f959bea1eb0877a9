import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { z } from 'zod';
import { apiConfigSchema, cliConfigSchema, workerConfigSchema } from '../../config';
import type { ConfigVariable } from '../../config/fields';
import {
  apiFields,
  auditFields,
  CONFIG_DESCRIPTIONS,
  CONFIG_VARIABLES,
  codecFields,
  kriptomatFields,
  observabilityFields,
  outboundFields,
  partnerFields,
  sumsubApiFields,
  sumsubWorkerFields,
  temporalFields,
  timingFields,
  workerFields,
} from '../../config/fields';
import { DEFAULT_HOLD } from '../../audit';
import { RENAMED_VARIABLES } from '../../config/renamed';
import { DEFAULT_CASE_TIMINGS } from '../../domain';
import { DEFAULT_MAX_RETRY_AFTER_MS } from '../../vendors/http/outbound-policy';
import { DEFAULT_KRIPTOMAT_PATHS, KRIPTOMAT_PATH_VARIABLES } from '../../vendors/kriptomat/paths';
import { blocks, code, table } from './markdown';

type Fields = Readonly<Record<string, z.ZodType>>;

/** The processes that read the environment, by the letter the page gives each. */
export const ROLES = [
  { letter: 'W', shape: workerConfigSchema.out.shape as Fields },
  { letter: 'A', shape: apiConfigSchema.out.shape as Fields },
  { letter: 'C', shape: cliConfigSchema.out.shape as Fields },
] as const;

/** The page's sections: the field groups of config/fields.ts, as operators look for them. */
const SECTIONS: readonly { title: string; note?: string; fields: Fields }[] = [
  { title: 'Temporal connection', fields: temporalFields },
  {
    title: 'Kriptomat',
    note: 'Either a static token or all five login variables. A login token is cached and renewed before it runs out.',
    fields: kriptomatFields,
  },
  { title: 'SumSub', fields: { ...sumsubApiFields, ...sumsubWorkerFields } },
  { title: 'Partner notifications', fields: partnerFields },
  {
    title: 'Outbound HTTP',
    note: 'Every call to a vendor or to the partner. The worker and the API refuse to start on a vendor or partner URL these rules would refuse, naming the variable.',
    fields: outboundFields,
  },
  { title: 'API and webhooks', fields: apiFields },
  { title: 'Codec', note: 'The same keys for every process.', fields: codecFields },
  {
    title: 'Timings of new cases',
    note: 'Read by the processes that start cases (the API, `kyc start`); each case keeps the timings it started with, and the worker ignores these.',
    fields: timingFields,
  },
  {
    title: 'Audit trail',
    note: 'Its keys live outside its database: the database alone neither links a record to a user id nor forges a chain head.',
    fields: auditFields,
  },
  { title: 'Observability and worker', fields: withoutAudit({ ...observabilityFields, ...workerFields }) },
];

/** The worker reads the audit trail's settings too; the page lists them once, in their own section. */
function withoutAudit(fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !(name in auditFields)));
}

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
] as const;

/** Defaults the schema leaves to the code that reads the variable. */
const CODE_DEFAULTS: Partial<Record<ConfigVariable, string>> = {
  KYC_AUDIT_HOLD: 'years' in DEFAULT_HOLD ? `${DEFAULT_HOLD.years}y` : `${DEFAULT_HOLD.days}d`,
  ...Object.fromEntries(
    Object.entries(KRIPTOMAT_PATH_VARIABLES).map(([path, variable]) => [
      variable,
      DEFAULT_KRIPTOMAT_PATHS[path as keyof typeof DEFAULT_KRIPTOMAT_PATHS],
    ]),
  ),
  KYC_MAX_RETRY_AFTER: durationText(DEFAULT_MAX_RETRY_AFTER_MS),
  KYC_READ_SCHEDULE: DEFAULT_CASE_TIMINGS.pollSchedule.map(durationText).join(','),
  KYC_REVIEW_READ_INTERVAL: durationText(DEFAULT_CASE_TIMINGS.reviewPollInterval),
  KYC_USER_DEADLINE: durationText(DEFAULT_CASE_TIMINGS.userDeadline),
  KYC_DECISION_DEADLINE: durationText(DEFAULT_CASE_TIMINGS.decisionDeadline),
  KYC_PARKED_DEADLINE: durationText(DEFAULT_CASE_TIMINGS.parkedDeadline),
  KYC_WAITS_PER_RUN: String(DEFAULT_CASE_TIMINGS.waitsPerRun),
};

const NARRATIVE = `Three processes read the environment: the **worker** (W), the **API** (A) and the **CLI** (C, \`kyc\`).
Each takes only its part (\`config/roles.ts\`) and stops at start with a message naming every missing or
malformed variable, never its value.

Each also reads a \`.env\` file; a variable already set in the environment wins. The worker and the API read the
\`.env\` of their working directory, the CLI that of the project (never of the directory it runs in).
\`KYC_ENV_FILE\` names another file instead, and must exist. An empty value counts as set and is refused:
delete the line instead.

Durations are written \`30s\`, \`15m\`, \`1h\` or \`14d\` (also \`ms\`). Lists are comma-separated.

Secrets the engine owns must be strong: \`KYC_API_TOKEN\`, \`KYC_CODEC_TOKEN\` and \`KYC_CODEC_PROXY_SECRET\`
at least 32 characters (\`openssl rand -hex 32\`), \`PARTNER_WEBHOOK_SECRET\` at least 24 bytes (raw or as
\`whsec_<base64>\`), a codec key exactly 32 bytes. Secrets a vendor issues are taken as given.

"required" is yes when every process that reads the variable refuses to start without it, or names the
processes that do; a few variables are required only together with another, as their meaning says.`;

/** `docs/reference/configuration.md`: every variable, who reads it, its default and what it means. */
export function renderConfiguration(): string {
  const sections = SECTIONS.map(({ title, note, fields }) =>
    blocks(
      `## ${title}`,
      note,
      table(
        HEADERS,
        Object.entries(fields).map(([name, schema]) => row(name, schema)),
      ),
    ),
  );
  const listed = SECTIONS.flatMap(({ fields }) => Object.keys(fields));
  const missing = CONFIG_VARIABLES.filter((name) => !listed.includes(name));
  if (missing.length > 0) throw new Error(`no section of the configuration page lists ${missing.join(', ')}`);
  const renamed = table(
    ['variable', 'formerly'],
    Object.entries(RENAMED_VARIABLES).map(([old, current]) => [code(current), code(old)]),
  );
  return blocks(
    '# Configuration',
    NARRATIVE,
    ...sections,
    '## Renamed variables',
    'Renamed so that one word means one thing (docs/glossary.md). The former name is still read for one release, with a deprecation warning at start; the new name wins when both are set.',
    renamed,
  );
}

const HEADERS = ['variable', 'read by', 'default', 'required', 'meaning'];

function row(name: string, schema: z.ZodType): string[] {
  const readers = ROLES.filter(({ shape }) => name in shape);
  const requiring = readers.filter(({ shape }) => !shape[name]!.safeParse(undefined).success);
  const required =
    requiring.length === 0
      ? 'no'
      : requiring.length === readers.length
        ? 'yes'
        : requiring.map(({ letter }) => letter).join(' ');
  return [
    code(name),
    readers.map(({ letter }) => letter).join(' '),
    defaultText(name as ConfigVariable, schema),
    required,
    CONFIG_DESCRIPTIONS[name as ConfigVariable],
  ];
}

/** The schema's default as an operator would write it, else the reading code's, else none. */
function defaultText(name: ConfigVariable, schema: z.ZodType): string {
  const parsed = schema.safeParse(undefined);
  const value: unknown = parsed.success ? parsed.data : undefined;
  if (value === undefined) return CODE_DEFAULTS[name] !== undefined ? code(CODE_DEFAULTS[name]) : 'none';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : code(value.join(','));
  // A duration's default is held in milliseconds, which the variable itself would not accept.
  if (typeof value === 'number' && schema.safeParse('1s').data === 1000) return code(durationText(value));
  return code(typeof value === 'string' ? value : JSON.stringify(value));
}

/** A duration as the variables take it: `10m`, `20s`. */
function durationText(duration: Duration): string {
  if (typeof duration === 'string') return duration;
  const ms = msToNumber(duration);
  const unit = UNITS.find(([, size]) => ms > 0 && ms % size === 0);
  return unit ? `${ms / unit[1]}${unit[0]}` : `${ms}ms`;
}
