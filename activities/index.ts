import type { KycActivities } from './contract';
import { withFailureMapping } from './failures';
import type { KriptomatClient } from './kriptomat/client';
import { createNotifyPartner } from './partner/notify-activity';
import type { PartnerWebhookNotifier } from './partner/webhook-notifier';

export type { KycActivities, PartnerEvent, ShareResult } from './contract';

/** The clients activities talk through: real ones in the worker, simulators or fakes in tests. */
export interface ActivityDeps {
  kriptomat: Pick<KriptomatClient, 'readKycStatus'>;
  /** Null when no partner webhook is configured: events are logged, not sent. */
  notifier: Pick<PartnerWebhookNotifier, 'send'> | null;
}

/** The activities this build implements (the SumSub ones are being added). */
export type ImplementedActivities = Pick<KycActivities, 'readKycStatus' | 'notifyPartner'>;

/** Builds the activity functions a worker registers, bound to their clients. */
export function createActivities({ kriptomat, notifier }: ActivityDeps): ImplementedActivities {
  return {
    readKycStatus: withFailureMapping((userId: string) => kriptomat.readKycStatus(userId)),
    notifyPartner: createNotifyPartner(notifier),
  };
}
