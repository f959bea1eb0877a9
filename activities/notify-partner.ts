import { log } from '@temporalio/activity';
import type { PartnerEvent } from './contract';
import { toApplicationFailure } from './failures';
import type { PartnerWebhookNotifier } from '../vendors/partner/webhook-notifier';

/**
 * The `notifyPartner` activity. Every failure is retryable here, whatever its HTTP status: a partner endpoint
 * that is down or misconfigured must delay an event, never lose it. Without a configured URL events are only
 * logged (by id and type: they hold no personal data).
 */
export function createNotifyPartner(
  notifier: Pick<PartnerWebhookNotifier, 'send'> | null,
): (event: PartnerEvent) => Promise<void> {
  return async (event) => {
    if (!notifier) {
      log.info('partner webhook not configured; event not sent', {
        eventId: event.eventId,
        type: event.type,
      });
      return;
    }
    try {
      await notifier.send(event);
    } catch (error) {
      throw toApplicationFailure(error, { alwaysRetry: true });
    }
  };
}
