import { defineQuery, defineSignal, log, metricMeter, setHandler } from '@temporalio/workflow';
import { z } from 'zod';
import type { WatchRecheck, WatchState } from '../domain';
import { isUntrustedPayload, WATCH_RECHECK_REASONS } from '../domain';
import type { ApprovedUserWatch } from './watch-state';

/**
 * The watch's messages (workflows/approved-user-watch.ts). Callers (the webhook receivers through client/,
 * the case that approved the user, tests) import these constants rather than spelling names.
 */

/** The whole watch state: statuses as last read, the next read, the latest changes. */
export const getWatchStateQuery = defineQuery<WatchState>('getWatchState');

/**
 * Read now instead of at the next scheduled read: a vendor's webhook about the user, or a later approval of
 * the same user. Carries the reason only, never the event. Fire and forget; invalid input is dropped.
 */
export const watchRecheckSignal = defineSignal<[WatchRecheck]>('watchRecheck');

const watchRecheckInput = z.object({ reason: z.enum(WATCH_RECHECK_REASONS) });

/**
 * Registers the watch's handlers; call before the first await so no message is lost. A signal is in history
 * before any code sees it: input the codec marked untrusted, or that breaks its schema, is dropped, counted
 * and logged by name and reason only (as the case does, workflows/messages.ts).
 */
export function handleWatchMessages(watch: ApprovedUserWatch): void {
  setHandler(getWatchStateQuery, () => watch.state);
  setHandler(watchRecheckSignal, (input: unknown) => {
    const untrusted = isUntrustedPayload(input);
    const parsed = untrusted ? null : watchRecheckInput.safeParse(input);
    if (parsed?.success) return watch.askRecheck(parsed.data.reason);
    const reason = untrusted ? 'untrusted' : 'invalid';
    watch.countDroppedMessage();
    metricMeter
      .createCounter(
        'kyc_dropped_messages',
        'messages',
        'Signals dropped unread: untrusted (not encrypted by the engine) or invalid input',
      )
      .add(1, { signal: 'watchRecheck', reason });
    log.warn('dropped a message the watch cannot trust', { signal: 'watchRecheck', reason });
  });
}
