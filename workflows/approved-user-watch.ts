import {
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  makeContinueAsNewFunc,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { ApprovedUserWatchInput, WatchSettings, WatchState } from '../domain';
import { DEFAULT_WATCH_SETTINGS, KYC_PHASE, WATCH_PHASE } from '../domain';
import { finalFailure, readKycStatus } from './activity-calls';
import { auditTrail } from './patches';
import { refuseUntrustedInput } from './untrusted-input';
import { handleWatchMessages } from './watch-messages';
import { ApprovedUserWatch } from './watch-state';

/**
 * The watch of one approved Kriptomat user (docs/architecture.md, "One watch, in story order"): started by the
 * user's case when it ends `approved` and asked for a watch, it outlives the case. It re-reads the Kriptomat
 * status and `edd_status` on a slow jittered schedule (daily, then weekly by default), or sooner when a vendor
 * webhook about the user asks (`watchRecheck`), and tells the partner `case.status_changed` when either moved.
 * It never ends by itself: only a cancellation (an operator's, later an erasure) ends it. Its state is answered
 * by `getWatchState` and carried across continue-as-new after a bounded number of reads.
 */
export async function approvedUserWatch(input: ApprovedUserWatchInput): Promise<WatchState> {
  refuseUntrustedInput(input, 'watch');
  const settings = resolveWatchSettings(input.settings);
  const audited = auditTrail();
  const watch = input.resume
    ? new ApprovedUserWatch(input.resume, settings, audited)
    : ApprovedUserWatch.open(input, settings, audited);
  handleWatchMessages(watch);
  // The case starts the watch showing `watching` and the approved statuses. A resumed run shows them again:
  // one event per run, rather than trusting every server to carry them through continue-as-new.
  if (!input.resume && startedShowing()) watch.showDetails();
  else watch.publish();

  try {
    for (let reads = 1; ; reads += 1) {
      await readOnce(watch);
      if (reads >= settings.readsPerRun || workflowInfo().continueAsNewSuggested)
        await continueAsNew(watch, input);
    }
  } catch (error) {
    // Cancelled: the changes already seen still reach the partner before the watch closes.
    if (isCancellation(error)) await CancellationScope.nonCancellable(() => watch.notificationsDelivered());
    throw error;
  }
}

/** Waits for the next read (the schedule, or a recheck), reads, and tells the partner what moved. */
async function readOnce(watch: ApprovedUserWatch): Promise<void> {
  await untilReadDue(watch);
  const reason = watch.readDue();
  try {
    const change = watch.learn(await readKycStatus(watch.state.userId), reason);
    if (change) {
      watch.notifyChange(change);
      watch.publish();
    } else watch.showDetails();
  } catch (error) {
    const failure = finalFailure(error);
    if (!failure) throw error;
    watch.readFailed(failure);
    watch.showDetails();
  }
}

/**
 * Sleeps until the scheduled read, or until a recheck asks; a recheck within the cooldown after the last read
 * waits for the cooldown's end (never past the scheduled read), so a burst of webhooks is one read.
 */
async function untilReadDue(watch: ApprovedUserWatch): Promise<void> {
  const dueAt = Date.now() + watch.nextGap();
  watch.scheduleRead(dueAt);
  if (!watch.recheckAsked)
    await condition(() => watch.recheckAsked, dueAt - Date.now(), { summary: 'next watch read' });
  const earliest = Math.min(watch.earliestRecheckAt(), dueAt);
  if (earliest > Date.now()) await sleep(earliest - Date.now(), { summary: 'watch recheck cooldown' });
}

/** Hands the watch to a fresh run once every notification and message handler has finished. */
async function continueAsNew(watch: ApprovedUserWatch, input: ApprovedUserWatchInput): Promise<never> {
  await watch.notificationsDelivered();
  await condition(allHandlersFinished);
  const next = makeContinueAsNewFunc<typeof approvedUserWatch>({
    typedSearchAttributes: watch.searchAttributes(),
  });
  return next({ ...input, resume: watch.handover() });
}

/** Whether the search attributes the watch started with already show it (the case sets them at the start). */
function startedShowing(): boolean {
  return workflowInfo().typedSearchAttributes.get(KYC_PHASE) === WATCH_PHASE;
}

function resolveWatchSettings(overrides: Partial<WatchSettings> | undefined): WatchSettings {
  const settings = { ...DEFAULT_WATCH_SETTINGS, ...overrides };
  if (settings.schedule.length === 0) settings.schedule = DEFAULT_WATCH_SETTINGS.schedule;
  settings.readsPerRun = Math.max(1, Math.floor(settings.readsPerRun));
  return settings;
}
