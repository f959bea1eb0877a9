import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { receiveKriptomatWebhook, webhookTokenMatcher } from '../kriptomat-webhooks';
import type { KriptomatWebhookReceipt } from '../kriptomat-webhooks';
import type { WebhookReceipt } from '../sumsub-webhooks';
import { createWebhookApp } from '../webhook-app';
import type { ApiDeps } from './deps';
import { json } from './responses';
import { ErrorSchema } from './schemas';

/** The Kriptomat webhook's route; `:token` is a credential, so only this pattern is ever logged or counted. */
const KRIPTOMAT_WEBHOOK_PATH = '/webhooks/kriptomat/:token';

/** Exactly the API's answer to an unknown route, so a wrong token tells a prober nothing. */
const NO_SUCH_ROUTE = { error: 'not_found', message: 'no such route' } as const;

const ReceiptSchema = z
  .object({
    result: z.string().openapi({ example: 'recheck_requested' }),
    type: z.string().optional(),
    userId: z.string().optional(),
    reason: z.string().optional(),
  })
  .openapi('WebhookReceipt');

const KriptomatWebhookBodySchema = z
  .object({
    type: z.string().openapi({ example: 'applicantReviewed' }),
    externalUserId: z.union([z.string(), z.number().int()]).openapi({ example: '123456' }),
    applicantId: z.string().optional().openapi({ description: "Kriptomat's applicant, not the engine's" }),
    reviewStatus: z.string().optional(),
    reviewResult: z.looseObject({}).optional(),
    createdAtMs: z.string().optional(),
  })
  .openapi('KriptomatWebhook');

/**
 * `POST /webhooks/sumsub` (the receiver of `client/webhook-app.ts`, digest checked on the raw body) and
 * `POST /webhooks/kriptomat/:token` (docs/vendor-apis.md, "Kriptomat webhook"). Each delivery is logged by
 * result, bounded type and user id only, and counted; events that never move a case are also counted by
 * type (`kyc_webhook_ignored_events_total`). The Kriptomat token never reaches a log line or a label.
 */
export function registerWebhookRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const { client, config, logger, metrics } = deps;
  const observe = (
    source: 'sumsub' | 'kriptomat',
    receipt: { result: string; userId?: string; type?: string; reason?: string },
  ) => {
    const { result, userId, type, reason } = receipt;
    metrics?.observeWebhook(source, result);
    if (result === 'ignored' && type) metrics?.observeIgnoredWebhookEvent?.(source, type);
    const line = { source, result, ...(type && { type }), ...(userId && { userId }) };
    // A malformed body's reason names fields and expectations only, never values.
    if (result === 'malformed') logger.warn({ ...line, reason }, 'webhook');
    else logger.info(line, 'webhook');
  };

  const onReceipt = (receipt: WebhookReceipt) => {
    if (receipt.result === 'unavailable') {
      logger.warn({ reason: receipt.reason }, 'SumSub webhook: Temporal unavailable');
      observe('sumsub', { result: receipt.result });
    } else if (receipt.result === 'bad_signature') {
      observe('sumsub', { result: receipt.result });
    } else {
      observe('sumsub', receipt);
    }
  };
  app.route('/', createWebhookApp({ client, sumsubWebhookSecret: config.SUMSUB_WEBHOOK_SECRET, onReceipt }));
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/webhooks/sumsub',
    summary: 'SumSub webhooks, every event type (signed with x-payload-digest over the raw body)',
    description:
      'Only KYC review events (applicantReviewed, applicantPending, applicantOnHold, ...) wake the case, which ' +
      'then reads the review from SumSub. Every correctly signed body is acknowledged: KYT, AML, workflow and ' +
      'other events are ignored and counted, unreadable bodies logged. A missing x-payload-digest-alg means ' +
      'HMAC_SHA256_HEX.',
    request: {
      headers: z.object({ 'x-payload-digest': z.string(), 'x-payload-digest-alg': z.string().optional() }),
      body: { required: true, content: { 'application/json': { schema: z.looseObject({}) } } },
    },
    responses: {
      200: json(ReceiptSchema, 'The case was woken (`duplicate`: these bytes already were, not again)'),
      202: json(ReceiptSchema, '`unknown_case`, `ignored` (not a KYC review event) or `malformed`'),
      401: json(ErrorSchema, 'The digest does not match: nothing was signalled'),
      503: json(ErrorSchema, 'Temporal unavailable: deliver again later'),
    },
  });

  const tokenMatches = webhookTokenMatcher(config.KRIPTOMAT_WEBHOOK_TOKEN);
  app.post(KRIPTOMAT_WEBHOOK_PATH, async (c) => {
    if (!tokenMatches(c.req.param('token'))) {
      metrics?.observeWebhook('kriptomat', 'unauthorized');
      return c.json(NO_SUCH_ROUTE, 404);
    }
    const rawBody = Buffer.from(await c.req.arrayBuffer());
    let receipt: KriptomatWebhookReceipt;
    try {
      receipt = await receiveKriptomatWebhook(client, rawBody);
    } catch (error) {
      logger.warn(
        { reason: error instanceof Error ? error.message : 'unknown error' },
        'Kriptomat webhook: Temporal unavailable',
      );
      observe('kriptomat', { result: 'unavailable' });
      return c.json({ error: 'temporal unavailable, deliver again later' }, 503);
    }
    observe('kriptomat', receipt);
    const { status, ...body } = receipt;
    return c.json(body, status);
  });
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/webhooks/kriptomat/{token}',
    summary: "Kriptomat's webhook: an applicantReviewed wakes the user's case to re-read Kriptomat now",
    description:
      'Register this URL, with KRIPTOMAT_WEBHOOK_TOKEN as its last segment, at Kriptomat. Kriptomat signs ' +
      'nothing: the token is the credential. A delivery is never a verdict; anything else is acknowledged.',
    request: {
      params: z.object({
        token: z
          .string()
          .openapi({ param: { name: 'token', in: 'path' }, description: 'KRIPTOMAT_WEBHOOK_TOKEN' }),
      }),
      body: { required: true, content: { 'application/json': { schema: KriptomatWebhookBodySchema } } },
    },
    responses: {
      202: json(ReceiptSchema, '`recheck_requested`, `unknown_case`, `ignored` or `malformed`'),
      404: json(ErrorSchema, 'Wrong or unconfigured token (the same answer as an unknown route)'),
      503: json(ErrorSchema, 'Temporal unavailable: deliver again later'),
    },
  });
}
