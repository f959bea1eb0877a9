import { scenarioForUser } from '../scenarios';
import type { TimerSet } from '../shared/timers';
import type { SimulatedUserStore } from './user-store';

/** How long Kriptomat takes to decide on a pending user, by default (its real processing time is undocumented). */
const DEFAULT_DECISION_DELAY_MS = 2000;

/** Told of every decision Kriptomat makes about a user (its webhook announces it). */
export type DecisionListener = (userId: string, kycStatus: string) => void;

/**
 * Kriptomat's own review: `decisionDelayMs` after a user becomes pending (by an import, or at the first read
 * of a user who starts pending), the user moves to the decision its scenario names. Once per user.
 */
export class DecisionScheduler {
  private readonly scheduled = new Set<string>();

  constructor(
    private readonly users: SimulatedUserStore,
    private readonly timers: TimerSet,
    private readonly delayMs: number = DEFAULT_DECISION_DELAY_MS,
    private readonly onDecision: DecisionListener = () => {},
  ) {}

  /** Starts the decision clock of a user who is pending now, unless it already runs (or ran). */
  startFor(userId: string): void {
    const { decision } = scenarioForUser(userId);
    if (decision === null || this.scheduled.has(userId)) return;
    if (this.users.get(userId)?.kyc_status !== 'pending') return;
    this.scheduled.add(userId);
    this.timers.after(this.delayMs, () => {
      // A person may have steered the user meanwhile: only a user still pending gets the decision.
      if (this.users.get(userId)?.kyc_status !== 'pending') return;
      this.users.update(userId, { kyc_status: decision });
      this.onDecision(userId, decision);
    });
  }
}
