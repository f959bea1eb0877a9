import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { SUMSUB_WEBHOOK_TYPES } from '../vendors/sumsub/webhook-types';
import { MAX_VENDOR_TEXT } from '../vendors/http/vendor-text';
import { USER_ID_PATTERN } from '../domain';
import { receiveKriptomatWebhook, webhookTokenMatcher } from './webhooks/kriptomat';
import type { KriptomatWebhookReceipt } from './webhooks/kriptomat';
import type { WebhookReceipt } from './webhooks/sumsub';
import { createWebhookApp } from './webhooks/webhook-app';
import { webhookHandler } from './webhooks/webhook-handler';
import type { ApiDeps } from './deps';
import { INTERNAL, TOO_LARGE, json } from './responses';
import { ErrorSchema, UserIdSchema, oneLine } from './schemas';

/** The Kriptomat webhook's route; `:token` is a credential, so only this pattern is ever logged or counted. */
const KRIPTOMAT_WEBHOOK_PATH = '/webhooks/kriptomat/:token';

/** Exactly the API's answer to an unknown route, so a wrong token tells a prober nothing. */
const NO_SUCH_ROUTE = { error: 'not_found', message: 'no such route' } as const;

/**
 * A malformed body's reason: a fixed prefix and at most ten `sanitizeVendorText` lines (`describeIssues`),
 * joined by `; `.
 */
const MAX_RECEIPT_REASON = 64 + 10 * (MAX_VENDOR_TEXT + 2);

const ReceiptSchema = z
  .object({
    result: z
      .enum([
        'signalled',
        'duplicate',
        'recheck_requested',
        'unknown_case',
        'ignored',
        'malformed',
        'bad_signature',
      ])
      .openapi({ example: 'recheck_requested' }),
    type: z
      .enum([...SUMSUB_WEBHOOK_TYPES, 'kytCase*', 'other'])
      .optional()
      .openapi({ description: "The event's type, bounded: a type SumSub documents, `kytCase*` or `other`" }),
    userId: UserIdSchema.optional(),
    reason: oneLine(MAX_RECEIPT_REASON).optional(),
  })
  .openapi('WebhookReceipt');

/** Both webhooks' 503: Temporal could not take the signal. */
const WEBHOOK_UNAVAILABLE = json(
  z.object({ error: z.literal('temporal unavailable, deliver again later') }).openapi('WebhookUnavailable'),
  'Temporal unavailable: deliver again later',
);

/**
 * Kriptomat's body as the engine reads it. The route does not validate against this: any body within the size
 * limit is acknowledged (202 `malformed`, `ignored` or `unknown_case` when it cannot wake a case).
 */
const KriptomatWebhookBodySchema = z
  .object({
    type: z.string().max(100).openapi({ example: 'applicantReviewed' }),
    externalUserId: z
      .union([
        z.string().max(128).regex(USER_ID_PATTERN),
        z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ format: 'int64' }),
      ])
      .openapi({ example: '123456', description: 'A user id; any other value is `unknown_case`' }),
    applicantId: z
      .string()
      .max(100)
      .optional()
      .openapi({ description: "Kriptomat's applicant, not the engine's (never read)" }),
    reviewStatus: z.string().max(100).optional().openapi({ description: 'Never read' }),
    reviewResult: z.looseObject({}).optional().openapi({ description: 'Never read' }),
    createdAtMs: z.string().max(40).optional().openapi({ description: 'Never read' }),
  })
  .openapi('KriptomatWebhook');

/**
 * `POST /webhooks/sumsub` (the receiver of `api/webhooks/webhook-app.ts`, digest checked on the raw body) and
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

  /** Logs and counts one delivery's receipt; `vendor` names the source in the line for Temporal's absence. */
  const onReceiptOf =
    (source: 'sumsub' | 'kriptomat', vendor: string) =>
    (receipt: WebhookReceipt | KriptomatWebhookReceipt) => {
      if (receipt.result === 'unavailable') {
        logger.warn({ reason: receipt.reason }, `${vendor} webhook: Temporal unavailable`);
      }
      observe(source, receipt);
    };
  app.route(
    '/',
    createWebhookApp({
      client,
      sumsubWebhookSecret: config.SUMSUB_WEBHOOK_SECRET,
      onReceipt: onReceiptOf('sumsub', 'SumSub'),
    }),
  );
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
      headers: z.object({
        'x-payload-digest': z
          .string()
          .max(128)
          .regex(/^[0-9a-fA-F]+$/)
          .openapi({ description: 'HMAC of the raw body, hex (128 digits for SHA-512)' }),
        'x-payload-digest-alg': z.enum(['HMAC_SHA1_HEX', 'HMAC_SHA256_HEX', 'HMAC_SHA512_HEX']).optional(),
      }),
      body: { required: true, content: { 'application/json': { schema: z.looseObject({}) } } },
    },
    responses: {
      200: json(ReceiptSchema, 'The case was woken (`duplicate`: these bytes already were, not again)'),
      202: json(ReceiptSchema, '`unknown_case`, `ignored` (not a KYC review event) or `malformed`'),
      401: json(ReceiptSchema, '`bad_signature`: the digest does not match, nothing was signalled'),
      413: TOO_LARGE,
      500: INTERNAL,
      503: WEBHOOK_UNAVAILABLE,
    },
  });

  const tokenMatches = webhookTokenMatcher(config.KRIPTOMAT_WEBHOOK_TOKEN);
  const receiveKriptomat = webhookHandler(
    (rawBody) => receiveKriptomatWebhook(client, rawBody),
    onReceiptOf('kriptomat', 'Kriptomat'),
  );
  app.post(KRIPTOMAT_WEBHOOK_PATH, (c) => {
    if (tokenMatches(c.req.param('token'))) return receiveKriptomat(c);
    metrics?.observeWebhook('kriptomat', 'unauthorized');
    return c.json(NO_SUCH_ROUTE, 404);
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
          .min(24)
          .max(256)
          .regex(/^[A-Za-z0-9_-]+$/)
          .openapi({ param: { name: 'token', in: 'path' }, description: 'KRIPTOMAT_WEBHOOK_TOKEN' }),
      }),
      body: { required: true, content: { 'application/json': { schema: KriptomatWebhookBodySchema } } },
    },
    responses: {
      202: json(ReceiptSchema, '`recheck_requested`, `unknown_case`, `ignored` or `malformed`'),
      404: json(ErrorSchema, 'Wrong or unconfigured token (the same answer as an unknown route)'),
      413: TOO_LARGE,
      500: INTERNAL,
      503: WEBHOOK_UNAVAILABLE,
    },
  });
}
