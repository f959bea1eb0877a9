import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import { recheckSignal } from '../../workflows/messages';
import { signalCaseIfRunning } from '../kyc-cases';
import type { WebhookReceipt } from '../sumsub-webhooks';
import { createWebhookApp } from '../webhook-app';
import { bearerAuth } from './auth';
import type { ApiDeps } from './deps';
import { validationHook } from './errors';
import { INVALID, UNAUTHORIZED, UNAVAILABLE, json } from './responses';
import { ErrorSchema, KriptomatWebhookBodySchema, KriptomatWebhookResultSchema } from './schemas';

/** Name of the Kriptomat webhook's bearer scheme in the OpenAPI document. */
export const KRIPTOMAT_WEBHOOK_SCHEME = 'kriptomatWebhookAuth';

const kriptomatWebhook = createRoute({
  method: 'post',
  path: '/webhooks/kriptomat',
  summary: "Kriptomat says a user's KYC status changed: the case looks now instead of at its next poll",
  security: [{ [KRIPTOMAT_WEBHOOK_SCHEME]: [] }],
  request: {
    body: { required: true, content: { 'application/json': { schema: KriptomatWebhookBodySchema } } },
  },
  responses: {
    202: json(
      KriptomatWebhookResultSchema,
      '`recheck_requested`, or `unknown_case` for a user without a running case',
    ),
    400: INVALID,
    401: UNAUTHORIZED,
    503: UNAVAILABLE,
  },
});

/**
 * `POST /webhooks/sumsub` (the receiver of `client/webhook-app.ts`, digest checked on the raw body) and
 * `POST /webhooks/kriptomat` (ours: a bearer secret and `{userId}`). Each delivery is logged by result,
 * type and user id only, and counted.
 */
export function registerWebhookRoutes(app: OpenAPIHono, { client, config, logger, metrics }: ApiDeps): void {
  const observe = (source: 'sumsub' | 'kriptomat', result: string, userId?: string, type?: string) => {
    metrics?.observeWebhook(source, result);
    logger.info({ source, result, ...(type && { type }), ...(userId && { userId }) }, 'webhook');
  };

  const onReceipt = (receipt: WebhookReceipt) => {
    if (receipt.result === 'unavailable')
      logger.warn({ reason: receipt.reason }, 'SumSub webhook: Temporal unavailable');
    if ('type' in receipt) observe('sumsub', receipt.result, receipt.userId, receipt.type);
    else observe('sumsub', receipt.result);
  };
  app.route('/', createWebhookApp({ client, sumsubWebhookSecret: config.SUMSUB_WEBHOOK_SECRET, onReceipt }));
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/webhooks/sumsub',
    summary: 'SumSub webhooks (signed with x-payload-digest over the raw body)',
    request: {
      headers: z.object({ 'x-payload-digest': z.string(), 'x-payload-digest-alg': z.string() }),
      body: { required: true, content: { 'application/json': { schema: z.looseObject({}) } } },
    },
    responses: {
      200: { description: 'The case was signalled (`duplicate`: these bytes already were, not again)' },
      202: { description: 'No case for this user: accepted and ignored' },
      400: json(ErrorSchema, 'Correctly signed but malformed'),
      401: json(ErrorSchema, 'The digest does not match: nothing was signalled'),
      503: json(ErrorSchema, 'Temporal unavailable: deliver again later'),
    },
  });

  app.use(
    kriptomatWebhook.path,
    bearerAuth({
      secret: config.KRIPTOMAT_WEBHOOK_SECRET,
      realm: 'kriptomat-webhook',
      onRefused: () => observe('kriptomat', 'unauthorized'),
    }),
  );
  app.openapi(
    kriptomatWebhook,
    async (c) => {
      const { userId } = c.req.valid('json');
      try {
        const result = (await signalCaseIfRunning(client, userId, recheckSignal))
          ? ('recheck_requested' as const)
          : ('unknown_case' as const);
        observe('kriptomat', result, userId);
        return c.json({ result }, 202);
      } catch (error) {
        observe('kriptomat', 'unavailable', userId);
        throw error;
      }
    },
    (result) => {
      if (!result.success) observe('kriptomat', 'malformed');
      validationHook(result);
      return undefined;
    },
  );
}
