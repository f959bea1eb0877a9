import type { SumsubClient } from '../vendors/sumsub/client';
import type { SimulatedApplicants } from '../sandbox/sumsub/applicant-store';
import type { ReceivedNotification } from './partner-receiver';

/**
 * The bench's users: the moment the engine tells the partner that a user must verify at SumSub
 * (`case.action_required`), that user "completes the WebSDK" and SumSub decides GREEN, through the signed
 * `testCompleted` call a person would use. So the review always follows the case's wait, as it does in life
 * (a user cannot verify before the partner sends them), and the path takes no time of its own.
 *
 * Only users whose id starts with a prefix given to `complete` act; the others (the scale measure's) never do.
 */
const MAX_ATTEMPTS = 5;

export class InstantUsers {
  private readonly prefixes = new Set<string>();
  failures = 0;
  /** Told of the first failure, so a run whose users cannot act says why instead of waiting out its timeout. */
  onFirstFailure: (reason: string) => void = () => undefined;

  constructor(
    private readonly sumsub: Pick<SumsubClient, 'completeTestReview'>,
    private readonly applicants: SimulatedApplicants,
  ) {}

  /** Users whose id starts with `prefix` complete SumSub when asked to. */
  complete(prefix: string): void {
    this.prefixes.add(prefix);
  }

  /** The partner receiver's hook. */
  onNotification(event: ReceivedNotification): void {
    if (event.type !== 'case.action_required') return;
    if (![...this.prefixes].some((prefix) => event.userId.startsWith(prefix))) return;
    const applicant = this.applicants.findByExternalUserId(event.userId);
    if (!applicant) {
      this.fail(`no applicant for ${event.userId}`);
      return;
    }
    this.completeWithRetries(applicant.id).catch((error: unknown) =>
      this.fail(error instanceof Error ? error.message : String(error)),
    );
  }

  /**
   * A person retries a WebSDK step that failed; so does the bench, or one connection reset on a loaded machine
   * (seen on the cluster: ECONNRESET from the simulator) would leave a case waiting forever and fail the run.
   */
  private async completeWithRetries(applicantId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sumsub.completeTestReview(applicantId, { reviewAnswer: 'GREEN', rejectLabels: [] });
        return;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  }

  private fail(reason: string): void {
    this.failures += 1;
    if (this.failures === 1) this.onFirstFailure(reason);
  }
}
