import { Context } from '@temporalio/activity';

/** The running activity's context; none when the code runs outside an activity (the API, the CLI, tests). */
export function currentActivityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
