import { faultSettingsSchema, NO_FAULTS, seededRandom } from '../shared/faults';
import type { FaultSettings } from '../shared/faults';
import type { LoggedRequest } from '../shared/request-log';
import type { TimerSet } from './timers';

export type InjectedFault = NonNullable<LoggedRequest['fault']>;

/** The fault settings of a running simulator and the seeded draws that apply them to partner calls. */
export class FaultInjector {
  private settings: FaultSettings = NO_FAULTS;
  private random: () => number = seededRandom(NO_FAULTS.seed);

  constructor(
    private readonly timers: TimerSet,
    initial?: unknown,
  ) {
    if (initial !== undefined) this.replace(initial);
  }

  get current(): FaultSettings {
    return this.settings;
  }

  /**
   * Replaces every setting (fields left out go back to their defaults) and restarts the generator from the
   * seed, so the same settings give the same sequence of faults. Throws a ZodError for invalid settings.
   */
  replace(input: unknown): FaultSettings {
    this.settings = faultSettingsSchema.parse(input);
    this.random = seededRandom(this.settings.seed);
    return this.settings;
  }

  /**
   * The fault of the next call, if any. One draw per call, with the rates stacked on the unit interval, so
   * each rate is exactly the share of calls that get its fault (rates summing past 1 crowd out the later ones).
   */
  draw(): InjectedFault | null {
    const { errorRate, rateLimitRate, timeoutRate } = this.settings;
    if (errorRate + rateLimitRate + timeoutRate === 0) return null;
    const roll = this.random();
    if (roll < errorRate) return 'error';
    if (roll < errorRate + rateLimitRate) return 'rate_limit';
    if (roll < errorRate + rateLimitRate + timeoutRate) return 'timeout';
    return null;
  }

  /** The configured extra delay before an answer. */
  latency(): Promise<void> {
    return this.timers.sleep(this.settings.latencyMs);
  }

  /** How long a timed-out call hangs before its connection is dropped. */
  hang(): Promise<void> {
    return this.timers.sleep(this.settings.hangMs);
  }
}
