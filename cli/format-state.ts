import type { KycCaseState } from '../domain';
import type { WatchView } from '../client/kyc-cases';

/**
 * A case as an operator reads it at a terminal: where it is, what it waits for, what went wrong, and the way
 * it came. `workflowStatus` is shown when known (a recheck answers with the state alone).
 */
export function formatCaseState(state: KycCaseState, workflowStatus?: string, now = new Date()): string {
  const review = state.review;
  const error = state.lastError;
  const rows: [string, string][] = [
    ['user', `${state.userId}${workflowStatus ? ` (workflow ${workflowStatus})` : ''}`],
    ['phase', state.phase],
    ['outcome', state.outcome ?? '-'],
    ['kycStatus', state.kycStatus ?? '-'],
    ['eddStatus', state.eddStatus ?? '-'],
    [
      'review',
      review
        ? [review.applicantId, review.reviewStatus, review.reviewAnswer, review.rejectType]
            .filter(Boolean)
            .join(' ')
        : '-',
    ],
    ['next check', when(state.nextCheckAt, now)],
    ['deadline', state.wait ? `${when(state.wait.deadlineAt, now)} (${state.wait.phase})` : '-'],
    ['last error', error ? `${error.type} in ${error.step} at ${error.at}: ${error.message}` : '-'],
    // A parked case ends `unresolved` at its parked deadline unless an operator retries it first.
    ...(state.phase === 'needs_attention' && error?.expiresAt
      ? [['ends unresolved', when(error.expiresAt, now)] as [string, string]]
      : []),
    [
      'looks',
      `kriptomat ${state.kriptomatChecks}, sumsub ${state.sumsubChecks}, webhooks ${state.sumsubEvents}`,
    ],
    ['started', state.startedAt],
    ['updated', state.updatedAt],
  ];
  if (state.cancelReason) rows.push(['cancelled', state.cancelReason]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const history = state.phases.map(({ phase, at }) => `  ${at}  ${phase}`);
  return [...rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`), 'phases', ...history].join(
    '\n',
  );
}

/**
 * The watch of an approved user, after its case: the case's outcome is the onboarding verdict, and these are
 * the statuses now, with the changes the watch saw (newest last).
 */
export function formatWatch(view: WatchView, now = new Date()): string {
  const { state } = view;
  if (!state) return `watch  ended (workflow ${view.workflowStatus})`;
  const rows: [string, string][] = [
    ['watch', `${state.phase} (workflow ${view.workflowStatus}) since ${state.since}`],
    ['  kycStatus now', state.kycStatus],
    ['  eddStatus now', state.eddStatus],
    ['  last read', when(state.lastReadAt, now)],
    ['  next read', when(state.nextReadAt, now)],
    ['  reads', `${state.reads} (rechecks asked: ${state.rechecks})`],
    ['  changes', String(state.changeCount)],
  ];
  if (state.lastError)
    rows.push([
      '  last error',
      `${state.lastError.type} at ${state.lastError.at}: ${state.lastError.message}`,
    ]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const changes = state.changes.map(
    ({ at, reason, from, to }) =>
      `    ${at}  ${from.kycStatus}/${from.eddStatus} -> ${to.kycStatus}/${to.eddStatus} (${reason})`,
  );
  return [...rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`), ...changes].join('\n');
}

/** An ISO time with how far it is from now, e.g. `2026-01-02T10:00:00.000Z (in 4m)`. */
function when(iso: string | null, now = new Date()): string {
  if (!iso) return '-';
  const ms = Date.parse(iso) - now.getTime();
  return `${iso} (${ms >= 0 ? `in ${span(ms)}` : `${span(-ms)} ago`})`;
}

function span(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}
