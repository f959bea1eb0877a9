import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import type { AuditTrail, ChainReport, RunFlag } from '../audit';
import { endedFlags, unclosedFlag } from '../audit';
import type { ClosedExecution } from '../client/audit-executions';
import { executionsClosedOutside, runsUnknownToTemporal } from '../client/audit-executions';
import { DEFAULT_API_KEY_NAME } from '../config/fields';
import { operatorName } from '../domain';
import { ErasurePendingError, eraseExecutions, scheduleKeyDestruction } from '../client/erasure';
import type { ApiDeps } from './deps';
import { validationHook } from './errors';
import { BEARER_SECURITY, CALLER_ERRORS, UNAVAILABLE, json, rateLimited } from './responses';
import {
  AuditCheckpointComparisonSchema,
  AuditCheckpointSchema,
  AuditExportLineSchema,
  AuditExportQuerySchema,
  AuditTrailSchema,
  AuditVerificationSchema,
  ErasureSchema,
  ErrorSchema,
  UserIdParamsSchema,
} from './schemas';

const NO_TRAIL = json(
  ErrorSchema,
  'No audit trail is configured (KYC_AUDIT_LOOKUP_KEY, KYC_AUDIT_SIGNING_KEY), or Temporal cannot be reached',
);

/**
 * The answers of an audit route: `responses`, then the caller errors and the 503 of a missing trail that every
 * audit route gives (a route's own 503 replaces it), all with the rate-limit headers.
 */
function auditResponses<T extends Record<number, { description: string }>>(responses: T) {
  return rateLimited({ ...CALLER_ERRORS, 503: NO_TRAIL, ...responses });
}

const readTrail = createRoute({
  method: 'get',
  path: '/v1/cases/{userId}/audit',
  summary:
    "The user's audit trail: every decision, vendor answer, operator action and notification, in order",
  security: BEARER_SECURITY,
  request: { params: UserIdParamsSchema },
  responses: auditResponses({
    200: json(AuditTrailSchema, 'The trail, free text opened while the user is not erased'),
    404: json(ErrorSchema, 'The trail holds nothing of the user (never recorded, or erased)'),
  }),
});

const verify = createRoute({
  method: 'get',
  path: '/v1/audit/verify',
  summary:
    'Check every chain of the trail (its hashes and signed heads, row after row), and flag the executions that wrote it and were ended or reset outside the engine',
  security: BEARER_SECURITY,
  responses: auditResponses({
    200: json(AuditVerificationSchema, 'One report per chain; `ok` is false only for a bad row'),
  }),
});

const compare = createRoute({
  method: 'post',
  path: '/v1/audit/verify',
  summary:
    "Compare chains with a checkpoint kept outside the database: finds rows deleted from a chain's end, or a whole chain deleted, which leave a prefix the GET verifies",
  security: BEARER_SECURITY,
  request: {
    body: { required: true, content: { 'application/json': { schema: AuditCheckpointSchema } } },
  },
  responses: auditResponses({
    200: json(
      AuditCheckpointComparisonSchema,
      'The chains that no longer match the checkpoint; `ok` is true when none',
    ),
  }),
});

const exportSince = createRoute({
  method: 'get',
  path: '/v1/audit/export',
  summary: 'Every record since a date, as JSON lines for a regulator (by pseudonym, never a user id)',
  security: BEARER_SECURITY,
  request: { query: AuditExportQuerySchema },
  responses: auditResponses({
    200: {
      description: 'JSON lines, oldest first',
      content: { 'application/x-ndjson': { schema: AuditExportLineSchema } },
    },
  }),
});

const erase = createRoute({
  method: 'delete',
  path: '/v1/cases/{userId}/personal-data',
  summary:
    'Erase the user: cancel a running case and watch, delete their Temporal executions, destroy their audit key now or when the AML hold ends',
  security: BEARER_SECURITY,
  request: { params: UserIdParamsSchema },
  responses: auditResponses({
    200: json(ErasureSchema, 'What was erased, and when the rest will be'),
    409: json(
      ErrorSchema,
      'The case or watch was told to end and has not ended yet: nothing was deleted; ask again',
    ),
    503: UNAVAILABLE,
  }),
});

/** The 503 of an audit route when the API has no trail. */
function noTrail(c: Context) {
  return c.json(
    {
      error: 'audit_trail_off',
      message:
        'this API has no audit trail: set KYC_AUDIT_LOOKUP_KEY and KYC_AUDIT_SIGNING_KEY (and its database)',
    },
    503,
  );
}

/**
 * The flags only Temporal can tell, by chain: the engine's executions Temporal terminated, cancelled or
 * timed out (one visibility list per status), each on its user's chain (found by the trail's lookup) unless
 * the chain holds the run's closing record; and the chains whose open case run Temporal no longer knows.
 */
async function temporalFlags(
  trail: AuditTrail,
  client: Client,
  reports: readonly ChainReport[],
): Promise<Map<string, RunFlag[]>> {
  const flags = new Map<string, RunFlag[]>();
  const add = (pseudonym: string, more: RunFlag[]) => {
    if (more.length > 0) flags.set(pseudonym, [...(flags.get(pseudonym) ?? []), ...more]);
  };
  const byUser = new Map<string, ClosedExecution[]>();
  for (const execution of await executionsClosedOutside(client))
    byUser.set(execution.userId, [...(byUser.get(execution.userId) ?? []), execution]);
  for (const [userId, executions] of byUser) {
    const found = await trail.trail(userId);
    if (found) add(found.pseudonym, endedFlags(found.entries, executions));
  }
  const open = reports.flatMap(({ pseudonym, openRun }) => (openRun ? [{ pseudonym, openRun }] : []));
  const unknown = await runsUnknownToTemporal(
    client,
    open.map(({ openRun }) => openRun),
  );
  for (const { pseudonym, openRun } of open) add(pseudonym, unclosedFlag(openRun, unknown));
  return flags;
}

/**
 * `GET /v1/cases/{userId}/audit`, `GET` and `POST /v1/audit/verify`, `GET /v1/audit/export`,
 * `DELETE /v1/cases/{userId}/personal-data`.
 */
export function registerAuditRoutes(app: OpenAPIHono, { audit, client, config }: ApiDeps): void {
  const trail: AuditTrail | null = audit ?? null;

  app.openapi(readTrail, async (c) => {
    if (!trail) return noTrail(c);
    const found = await trail.trail(c.req.valid('param').userId);
    if (!found)
      return c.json({ error: 'not_found', message: 'the audit trail holds nothing of this user' }, 404);
    // Parsed, not cast: what the trail read is answered only in the document's shape and bounds.
    return c.json(AuditTrailSchema.parse(found), 200);
  });

  app.openapi(verify, async (c) => {
    if (!trail) return noTrail(c);
    const reports = await trail.verify();
    const flagged = await temporalFlags(trail, client, reports);
    const chains = reports.map(({ pseudonym, rows, head, firstBad, flags }) => ({
      pseudonym,
      rows,
      ...(head !== undefined && { head }),
      ...(firstBad && { firstBad }),
      flags: [...flags, ...(flagged.get(pseudonym) ?? [])],
    }));
    return c.json({ ok: chains.every((chain) => chain.firstBad === undefined), chains }, 200);
  });

  app.openapi(compare, async (c) => {
    if (!trail) return noTrail(c);
    const { chains } = c.req.valid('json');
    const mismatches = await trail.compareCheckpoint(chains);
    return c.json({ ok: mismatches.length === 0, checked: chains.length, mismatches }, 200);
  });

  // Streamed JSON lines: documented from the route, served by a plain handler (the typed handler of
  // `app.openapi` answers JSON only); the query is validated by the same schema and hook.
  app.openAPIRegistry.registerPath(exportSince);
  app.get('/v1/audit/export', (c) => {
    if (!trail) return noTrail(c);
    const query = AuditExportQuerySchema.safeParse(c.req.query());
    // validationHook throws the 400 every route answers for a bad query.
    if (!query.success) validationHook({ target: 'query', success: false, error: query.error });
    const since = new Date(query.data?.since ?? Number.NaN);
    c.header('content-type', 'application/x-ndjson');
    c.header('Cache-Control', 'no-store');
    return stream(c, async (out) => {
      for await (const line of trail.exportSince(since)) await out.write(`${line}\n`);
    });
  });

  app.openapi(erase, async (c) => {
    if (!trail) return noTrail(c);
    const { userId } = c.req.valid('param');
    let executions;
    try {
      // The caller's key by name cancels a running case, as the case's own cancel route names it.
      const by = operatorName('api', c.get('apiKeyName') ?? DEFAULT_API_KEY_NAME);
      executions = await eraseExecutions(client, userId, { by });
    } catch (error) {
      if (error instanceof ErasurePendingError)
        return c.json({ error: 'erasure_pending', message: error.message }, 409);
      throw error;
    }
    const result = await trail.erase(userId, { now: new Date() });
    const answer = { userId, ...executions };
    if (result.outcome === 'erased')
      return c.json({ ...answer, trail: 'erased' as const, erasedAt: result.erasedAt.toISOString() }, 200);
    if (result.outcome === 'unknown') return c.json({ ...answer, trail: 'not_recorded' as const }, 200);
    const eraseAfter = result.eraseAfter.toISOString();
    await scheduleKeyDestruction(
      client,
      { pseudonym: result.pseudonym, eraseAfter },
      config.TEMPORAL_TASK_QUEUE,
    );
    return c.json({ ...answer, trail: 'scheduled' as const, eraseAfter }, 200);
  });
}
