import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { DEFAULT_API_KEY_NAME } from '../config/fields';
import { operatorName } from '../domain';
import { cancelCase, recheckCase, retryCase } from '../client/kyc-cases';
import { mintWebSdkToken, webSdkTokenSettings } from '../client/websdk-token';
import type { ApiDeps } from './deps';
import {
  BEARER_SECURITY,
  CALLER_ERRORS,
  CLOSED,
  NOT_FOUND,
  UNAVAILABLE,
  json,
  rateLimited,
} from './responses';
import {
  CancelBodySchema,
  CaseActionSchema,
  CaseStateSchema,
  ErrorSchema,
  UserIdParamsSchema,
  WebSdkTokenSchema,
} from './schemas';

const ERRORS = { ...CALLER_ERRORS, 404: NOT_FOUND, 409: CLOSED, 503: UNAVAILABLE };
const request = { params: UserIdParamsSchema };

const recheck = createRoute({
  method: 'post',
  path: '/v1/cases/{userId}/recheck',
  summary: 'Look at the user now and answer the state after the look',
  security: BEARER_SECURITY,
  request,
  responses: rateLimited({ 200: json(CaseStateSchema, 'The state after the look'), ...ERRORS }),
});

const cancel = createRoute({
  method: 'post',
  path: '/v1/cases/{userId}/cancel',
  summary: 'End the case as cancelled (the reason is kept, encrypted, in its history)',
  security: BEARER_SECURITY,
  request: {
    ...request,
    body: { required: true, content: { 'application/json': { schema: CancelBodySchema } } },
  },
  responses: rateLimited({ 202: json(CaseActionSchema, 'The case was told to cancel'), ...ERRORS }),
});

const retry = createRoute({
  method: 'post',
  path: '/v1/cases/{userId}/retry',
  summary: 'Run again the step that parked the case in needs_attention (a no-op in any other phase)',
  security: BEARER_SECURITY,
  request,
  responses: rateLimited({ 202: json(CaseActionSchema, 'The case was told to retry'), ...ERRORS }),
});

const webSdkToken = createRoute({
  method: 'post',
  path: '/v1/cases/{userId}/sumsub-access-token',
  summary: "A SumSub WebSDK access token for the user's verification in the partner's app",
  security: BEARER_SECURITY,
  request,
  responses: rateLimited({
    200: json(WebSdkTokenSchema, 'A fresh token (never stored, never logged)'),
    ...ERRORS,
    502: json(ErrorSchema, 'SumSub refused the call'),
  }),
});

/** Who acts: the caller's API key by name (api/auth.ts), as the case's audit trail records it. */
const callerOf = (c: Context): string => operatorName('api', c.get('apiKeyName') ?? DEFAULT_API_KEY_NAME);

/**
 * The `/v1/cases/{userId}/...` actions: recheck, cancel, retry (each naming the caller's key to the case,
 * which records it before acting), and the WebSDK token.
 */
export function registerCaseActionRoutes(app: OpenAPIHono, { client, config, sumsub }: ApiDeps): void {
  app.openapi(recheck, async (c) => {
    return c.json(await recheckCase(client, c.req.valid('param').userId, { by: callerOf(c) }), 200);
  });

  app.openapi(cancel, async (c) => {
    const { userId } = c.req.valid('param');
    await cancelCase(client, userId, c.req.valid('json').reason, { by: callerOf(c) });
    return c.json({ userId, result: 'cancel_requested' as const }, 202);
  });

  app.openapi(retry, async (c) => {
    const { userId } = c.req.valid('param');
    await retryCase(client, userId, { by: callerOf(c) });
    return c.json({ userId, result: 'retry_requested' as const }, 202);
  });

  const settings = webSdkTokenSettings(config);
  app.openapi(webSdkToken, async (c) => {
    const token = await mintWebSdkToken(client, sumsub, settings, c.req.valid('param').userId);
    c.header('Cache-Control', 'no-store');
    return c.json(token, 200);
  });
}
