/**
 * The stack's ordered teardown: every part pushes its stop as soon as it runs, so that a failed or
 * interrupted start stops exactly what had started, and the stop runs last-started first (APIs before
 * workers, workers before the simulators and the server they use, PostgreSQL last).
 */
export interface StopReports {
  /** Told before each stop (the cluster names each part it stops; `npm start` stays quiet). */
  stopping?: (name: string) => void;
  /** A stop that failed: reported, and the teardown goes on with the next part. */
  failed: (name: string, error: unknown) => void;
}

export class Stops {
  private readonly parts: { name: string; stop: () => Promise<unknown> }[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly reports: StopReports = { failed: () => undefined }) {}

  /** True once the teardown has begun: a start still in flight must not add parts. */
  get stopping(): boolean {
    return this.running !== undefined;
  }

  push(name: string, stop: () => Promise<unknown>): void {
    this.parts.push({ name, stop });
  }

  /** Runs every stop, last pushed first; once, however often it is called. */
  run(): Promise<void> {
    return (this.running ??= (async () => {
      for (const { name, stop } of this.parts.splice(0).reverse()) {
        this.reports.stopping?.(name);
        await stop().catch((error: unknown) => this.reports.failed(name, error));
      }
    })());
  }
}

/** Reports that name each part as it stops, and a failed stop with its part: the cluster's teardown. */
export function namedStops(log: (line: string) => void): StopReports {
  return {
    stopping: (name) => log(`stopping ${name}`),
    failed: (name, error) => log(`while stopping ${name}: ${String(error)}`),
  };
}
