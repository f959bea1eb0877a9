import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { ErrorType, StandardEventType } from '../domain';
import {
  CASE_OUTCOMES,
  CASE_PHASES,
  EDD_STATUS_PATTERN,
  KYC_STATUSES,
  NON_RETRYABLE_ERROR_TYPES,
  STANDARD_WEBHOOK_HEADERS,
} from '../domain';
import { UserIdSchema, oneLine, timestamp } from './schemas';

/**
 * The notifications the worker POSTs to the partner (vendors/partner/webhook-notifier.ts), declared in the
 * OpenAPI document's `webhooks` so a partner generates its receiver from the same document as its client.
 * The API serves none of them: this is the contract, kept beside the routes so the two are published together.
 */

/** The error types that park a case, as `case.needs_attention` names them (domain/failure-policy.ts). */
const PARKING_ERROR_TYPES = NON_RETRYABLE_ERROR_TYPES as readonly [ErrorType, ...ErrorType[]];

/** What every notification says about the case (domain/partner-event.ts `PartnerEvent` without type and time). */
const NotificationDataSchema = z
  .object({
    eventId: oneLine(300).openapi({
      description:
        'The event id, the same on every redelivery (equal to `webhook-id`): drop duplicates by it',
    }),
    userId: UserIdSchema,
    phase: z.enum(CASE_PHASES),
    action: z.enum(['verify_at_sumsub', 'resubmit_at_sumsub']).nullable(),
    outcome: z.enum(CASE_OUTCOMES).nullable(),
    kycStatus: z.enum(KYC_STATUSES).nullable(),
    eddStatus: z.string().max(48).regex(EDD_STATUS_PATTERN).nullable(),
    previous: z
      .object({
        kycStatus: z.enum(KYC_STATUSES),
        eddStatus: z.string().max(48).regex(EDD_STATUS_PATTERN),
      })
      .optional()
      .openapi({ description: '`case.status_changed` only: the statuses before the change' }),
    errorType: z.enum(PARKING_ERROR_TYPES).optional().openapi({
      description:
        '`case.needs_attention` only: the kind of failure that parked the case (never its message)',
    }),
  })
  .openapi('PartnerNotificationData');

const HEADERS = z.object({
  [STANDARD_WEBHOOK_HEADERS.id]: oneLine(300).openapi({
    description: 'The event id, stable across redeliveries',
  }),
  [STANDARD_WEBHOOK_HEADERS.timestamp]: z
    .string()
    .max(12)
    .regex(/^\d+$/)
    .openapi({ description: 'Seconds since the epoch of this delivery attempt' }),
  [STANDARD_WEBHOOK_HEADERS.signature]: z
    .string()
    .max(400)
    .regex(/^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$/)
    .openapi({
      description:
        '`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, one per PARTNER_WEBHOOK_SECRET, space-separated',
    }),
});

const NOTIFICATIONS: Record<StandardEventType, string> = {
  'case.action_required': 'The user must verify or resubmit at SumSub (`data.action` says which).',
  'case.needs_attention':
    'The case parked on a failure retrying cannot fix (a vendor refused or broke its contract, credentials or settings are wrong): an operator must act, and the case resumes on their retry or ends `unresolved` past its parked deadline. `data.errorType` names the kind of failure; `data.phase` is `needs_attention`. Sent each time the case parks, so again after a retry that parks again.',
  'case.approved': 'The case ended: Kriptomat passed the user.',
  'case.rejected': 'The case ended: Kriptomat or SumSub rejected the user for good.',
  'case.expired': 'The case ended: no decision before its deadline.',
  'case.cancelled': 'The case ended: an operator cancelled it.',
  'case.unresolved': 'The case ended parked past its deadline: an operator must look at it.',
  'case.status_changed':
    'The watch of an approved user read a new Kriptomat status or `edd_status`: `data.kycStatus` and `data.eddStatus` are the statuses now, `data.previous` the ones before, and `data.outcome` stays the onboarding verdict (`approved`). Sent only for cases started with a watch (KYC_WATCH_APPROVED, or `?watch=true`).',
};

/** Registers one webhook per event name, each with its body schema and the Standard Webhooks headers. */
export function registerPartnerNotifications(app: OpenAPIHono): void {
  for (const [type, description] of Object.entries(NOTIFICATIONS)) {
    app.openAPIRegistry.registerWebhook({
      method: 'post',
      path: type,
      summary: `Partner notification \`${type}\` (Standard Webhooks)`,
      description: `${description} Sent to PARTNER_WEBHOOK_URL; verify the signature before parsing.`,
      request: {
        headers: HEADERS,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z
                .object({ type: z.literal(type), timestamp, data: NotificationDataSchema })
                .openapi(schemaName(type)),
            },
          },
        },
      },
      responses: {
        200: { description: 'Any 2xx is a delivery; anything else is retried, backing off, until delivered' },
      },
    });
  }
}

/** `case.action_required` → `CaseActionRequiredNotification`: a component name per event. */
function schemaName(type: string): string {
  const words = type.split(/[._]/).map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return `${words.join('')}Notification`;
}
