import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import { listCases } from '../client/case-list';
import { caseAndWatchBody, getCaseAndWatch, startOrJoinCase, watchRequestFrom } from '../client/kyc-cases';
import type { ApiDeps } from './deps';
import { BEARER_SECURITY, CALLER_ERRORS, NOT_FOUND, UNAVAILABLE, json, rateLimited } from './responses';
import {
  CaseListQuerySchema,
  CaseListSchema,
  CaseReadSchema,
  CaseStartedSchema,
  CaseStartQuerySchema,
  UserIdParamsSchema,
} from './schemas';

const startCase = createRoute({
  method: 'put',
  path: '/v1/cases/{userId}',
  summary: "Start the user's case, or join it when it already runs (idempotent)",
  security: BEARER_SECURITY,
  request: { params: UserIdParamsSchema, query: CaseStartQuerySchema },
  responses: rateLimited({
    202: {
      ...json(CaseStartedSchema, 'The case runs; read it at `Location`'),
      headers: {
        Location: {
          schema: { type: 'string' as const, maxLength: 160, pattern: '^/v1/cases/[A-Za-z0-9_.-]+$' },
          description: '/v1/cases/{userId}',
        },
      },
    },
    ...CALLER_ERRORS,
    503: UNAVAILABLE,
  }),
});

const readCase = createRoute({
  method: 'get',
  path: '/v1/cases/{userId}',
  summary: "The case's state, live while it runs, its result once it ended; and the user's watch, if any",
  description:
    "An approved user's watch outlives the case's history, which Temporal deletes once the namespace's retention has passed after the case ended: such a user is answered by the watch alone, marked `caseHistory: \"expired\"`. 404 only when the user has neither a case nor a watch.",
  security: BEARER_SECURITY,
  request: { params: UserIdParamsSchema },
  responses: rateLimited({
    200: json(
      CaseReadSchema,
      'The case (`caseHistory: "held"`), or the watch alone once the case history has expired (`caseHistory: "expired"`)',
    ),
    ...CALLER_ERRORS,
    404: { ...NOT_FOUND, description: 'The user has neither a case nor a watch' },
    503: UNAVAILABLE,
  }),
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/cases',
  summary: 'Cases by phase or outcome, newest first, from the search attributes',
  security: BEARER_SECURITY,
  request: { query: CaseListQuerySchema },
  responses: rateLimited({
    200: json(CaseListSchema, 'The matching cases'),
    ...CALLER_ERRORS,
    503: UNAVAILABLE,
  }),
});

/** `PUT` and `GET /v1/cases/{userId}`, and `GET /v1/cases`. */
export function registerCaseRoutes(app: OpenAPIHono, { client, config, timings }: ApiDeps): void {
  app.openapi(startCase, async (c) => {
    const { userId } = c.req.valid('param');
    const asked = c.req.valid('query').watch;
    const watch = watchRequestFrom(
      { KYC_WATCH_APPROVED: config.KYC_WATCH_APPROVED === true },
      asked === undefined ? undefined : asked === 'true',
    );
    const handle = await startOrJoinCase(client, userId, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      timings,
      ...(watch && { watch }),
    });
    c.header('Location', `/v1/cases/${encodeURIComponent(userId)}`);
    return c.json({ userId, workflowId: handle.workflowId }, 202);
  });

  app.openapi(readCase, async (c) => {
    const { userId } = c.req.valid('param');
    return c.json(caseAndWatchBody(userId, await getCaseAndWatch(client, userId)), 200);
  });

  app.openapi(listRoute, async (c) => {
    const { phase, outcome, limit } = c.req.valid('query');
    return c.json({ cases: await listCases(client, { phase, outcome, limit }) }, 200);
  });
}
