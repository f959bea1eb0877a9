import { CancellationScope, workflowInfo } from '@temporalio/workflow';
import type { PartnerAction, PartnerEvent } from '../activities/contract';
import type { KycCaseState } from '../domain';
import { notifyPartner } from './activity-proxies';

/**
 * Sends partner notifications without holding up the case: each is delivered by its own activity (retried
 * until delivered) in a scope that a `cancel` cannot interrupt, and the case waits for them all before it
 * ends or continues as new. Event ids are derived from the workflow id and a counter kept in the state, so
 * they are stable across retries, replays and continue-as-new, and distinct for a later case of the same user.
 */
export class PartnerNotifier {
  private readonly inFlight: Promise<void>[] = [];

  constructor(private readonly state: KycCaseState) {}

  /** The user must act at SumSub (verify, or resubmit after a RED+RETRY). */
  actionRequired(action: PartnerAction): void {
    this.send('case.action_required', action);
  }

  /** The case ended; `state.outcome` says how. */
  completed(): void {
    this.send('case.completed', null);
  }

  /** Resolves once every notification sent so far was delivered. */
  async delivered(): Promise<void> {
    await Promise.all(this.inFlight.splice(0));
  }

  private send(type: PartnerEvent['type'], action: PartnerAction | null): void {
    const { state } = this;
    state.notifications += 1;
    const event: PartnerEvent = {
      eventId: `${workflowInfo().workflowId}/${workflowInfo().firstExecutionRunId}/${state.notifications}`,
      type,
      userId: state.userId,
      phase: state.phase,
      action,
      outcome: state.outcome,
      kycStatus: state.kycStatus,
      eddStatus: state.eddStatus,
      occurredAt: new Date().toISOString(),
    };
    this.inFlight.push(CancellationScope.nonCancellable(() => notifyPartner(event)));
  }
}
