import type { KycActivities } from './contract';
import { withFailureMapping } from './failures';
import type { KriptomatClient } from './kriptomat/client';

export type { KycActivities, PartnerEvent, ShareResult } from './contract';

/** The clients activities talk through: real ones in the worker, simulators or fakes in tests. */
export interface ActivityDeps {
  kriptomat: Pick<KriptomatClient, 'readKycStatus'>;
}

/**
 * The activities this build implements. The SumSub and notification activities of `KycActivities` arrive with
 * the partner-API issue; the workflow only calls what is listed here.
 */
export type ImplementedActivities = Pick<KycActivities, 'readKycStatus'>;

/** Builds the activity functions a worker registers, bound to their clients. */
export function createActivities({ kriptomat }: ActivityDeps): ImplementedActivities {
  return {
    readKycStatus: withFailureMapping((userId: string) => kriptomat.readKycStatus(userId)),
  };
}
