import type { CaseEnv } from './case-env';
import { caseEnvOn } from './case-env';
import { startTimeSkippingTemporal } from './time-skipping';

export { REVIEWED, sumsubEvent } from './case-env';

/**
 * The real case workflow on the time-skipping test server, with typed fake partners and the workflow's own
 * default timings (hourly reads, 14- and 30-day deadlines, 50 waits per run): weeks pass in virtual time while
 * a test awaits a result or calls `env.sleep`. Polling a query does not move the clock.
 */
export async function startTimeSkippingCaseEnv(name: string): Promise<CaseEnv> {
  return caseEnvOn(await startTimeSkippingTemporal(), name);
}
