import { CancellationScope, workflowInfo } from '@temporalio/workflow';
import type { PartnerEvent } from '../domain';
import type { AuditRecords } from './activity-calls';
import { notifyPartner } from './activity-calls';

/** What a workflow tells the partner: the event without its id, which the queue numbers. */
export type PartnerNews = Omit<PartnerEvent, 'eventId'>;

/**
 * The partner notifications of one workflow (a case or a watch): numbered, recorded in the audit trail, and
 * delivered without holding up the workflow, each by its own activity (retried until delivered) in a scope a
 * cancellation cannot interrupt. The count lives in the workflow's state (`notifications`), so an event id (the
 * workflow id, its first run and the count) is stable across retries, replays and continue-as-new, and
 * distinct for a later workflow of the same user.
 */
export class PartnerNotifications {
  private readonly queued: Promise<void>[] = [];

  /**
   * @param counted the workflow's state, whose `notifications` numbers the events
   * @param audit the workflow's audit records: the partner hears of nothing the trail does not hold yet
   */
  constructor(
    private readonly counted: { notifications: number },
    private readonly audit: AuditRecords,
  ) {}

  /** Numbers `news`, records it (when the run is audited) and queues its delivery. */
  send(news: PartnerNews): void {
    this.counted.notifications += 1;
    const deliveryId = this.counted.notifications;
    const { workflowId, firstExecutionRunId } = workflowInfo();
    const event: PartnerEvent = { eventId: `${workflowId}/${firstExecutionRunId}/${deliveryId}`, ...news };
    if (!this.audit.on) {
      this.queued.push(CancellationScope.nonCancellable(() => notifyPartner(event)));
      return;
    }
    this.audit.add({
      kind: 'notification.sent',
      data: { eventType: event.type, deliveryId: String(deliveryId) },
    });
    // Delivered only once its record (and every record before it) is written.
    const flushed = this.audit.flush();
    this.queued.push(
      CancellationScope.nonCancellable(async () => {
        await flushed;
        await notifyPartner(event);
      }),
    );
  }

  /** Resolves once every notification queued so far was delivered. */
  async delivered(): Promise<void> {
    await Promise.all(this.queued.splice(0));
  }
}
