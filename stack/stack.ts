/**
 * One way to bring up an engine and what it runs on. A Stack is the start in progress and the teardown to
 * come: each part (the Temporal server, dev or cluster: ./temporal.ts; the simulators; the workers and APIs,
 * in this process: ./in-process.ts, or as child processes: ./processes.ts; a caller's own listeners) is
 * started through it and its stop pushed at once, so that a failed or interrupted start stops exactly what
 * ran, and `stop` ends everything last-started first. `npm start`, `npm run cluster`, the bench, the chaos
 * run and the tests all assemble their engine this way.
 */
import type { StopReports } from './stops';
import { Stops } from './stops';

/** The start was interrupted by a stop request; what had started is stopped by the Stack's `stop`. */
export class StartInterrupted extends Error {}

export interface StackOptions {
  /** Progress lines (`starting the Temporal server ...`). */
  log: (line: string) => void;
  /** What the teardown says; silent, errors ignored, unless given. */
  reports?: StopReports;
  /** Asked between steps: true ends the start early (`npm start` and the cluster watch Ctrl-C this way). */
  stopRequested?: () => boolean;
}

export class Stack {
  readonly log: (line: string) => void;
  private readonly stops: Stops;

  constructor(private readonly options: StackOptions) {
    this.log = options.log;
    this.stops = new Stops(options.reports);
  }

  /** Throws StartInterrupted once a stop was asked or has begun: called between the steps of a start. */
  checkpoint(): void {
    if (this.options.stopRequested?.() || this.stops.stopping) throw new StartInterrupted();
  }

  /** Adds a running part's stop; it runs before the stops of every part started earlier. */
  onStop(name: string, stop: () => Promise<unknown>): void {
    this.stops.push(name, stop);
  }

  /** Stops every part, last-started first; once, however often it is called. */
  stop(): Promise<void> {
    return this.stops.run();
  }
}
