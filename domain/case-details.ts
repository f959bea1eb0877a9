import type { KycCaseState } from './case-state';
import type { WatchState } from './watch';

/**
 * Markdown for the Temporal UI's "current details": phase, statuses, review and timings only. Never personal
 * data: the state holds none, and this renders named fields rather than the whole object.
 */
export function renderCaseDetails(state: KycCaseState): string {
  const lines = [
    `**Phase:** ${state.phase}${state.outcome ? ` (outcome: ${state.outcome})` : ''}`,
    `**Kriptomat KYC:** ${state.kycStatus ?? 'not read yet'} · **EDD:** ${state.eddStatus ?? 'not read yet'}`,
  ];
  if (state.review) {
    const { applicantId, reviewStatus, reviewAnswer, rejectType } = state.review;
    const answer = reviewAnswer ? ` ${reviewAnswer}${rejectType ? `+${rejectType}` : ''}` : '';
    lines.push(`**SumSub applicant:** ${applicantId} · **review:** ${reviewStatus}${answer}`);
  }
  lines.push(
    `**Reads:** ${state.kriptomatChecks} Kriptomat, ${state.sumsubChecks} SumSub · **webhooks:** ${state.sumsubEvents}`,
  );
  if (state.nextCheckAt) lines.push(`**Next read:** ${state.nextCheckAt}`);
  if (state.wait)
    lines.push(`**Waiting since:** ${state.wait.since} · **deadline:** ${state.wait.deadlineAt}`);
  if (state.lastError) {
    const { type, step, message } = state.lastError;
    lines.push(`**Last error** (${type}, in ${step}): ${escapeMarkdown(message)}`);
    if (state.phase === 'needs_attention') {
      const ends = state.lastError.expiresAt ? ` Ends \`unresolved\` at ${state.lastError.expiresAt}.` : '';
      lines.push(`_Send \`retry\` once fixed, or \`cancel\`._${ends}`);
    }
  }
  if (state.cancelReason) lines.push(`**Cancelled:** ${escapeMarkdown(state.cancelReason)}`);
  if (state.runs > 1) lines.push(`**Run:** ${state.runs} (continued as new)`);
  return lines.join('\n\n');
}

/**
 * Markdown for the Temporal UI's "current details" of an approved user's watch: the verdict it follows, the
 * statuses as last read, when it reads next, and its latest changes. Named fields only, as for a case.
 */
export function renderWatchDetails(state: WatchState): string {
  const lines = [
    `**Watching** since ${state.since} · **approved** ${state.approvedAt}`,
    `**Kriptomat KYC:** ${state.kycStatus} · **EDD:** ${state.eddStatus}`,
    `**Reads:** ${state.reads} (last ${state.lastReadAt ?? 'none yet'}) · **rechecks asked:** ${state.rechecks}`,
  ];
  if (state.nextReadAt) lines.push(`**Next read:** ${state.nextReadAt}`);
  if (state.changeCount > 0) {
    const latest = state.changes
      .slice(-3)
      .map(
        ({ at, from, to }) => `${at}: ${from.kycStatus}/${from.eddStatus} → ${to.kycStatus}/${to.eddStatus}`,
      );
    lines.push(`**Changes:** ${state.changeCount} · ${latest.join(' · ')}`);
  }
  if (state.lastError) {
    const { type, at, message } = state.lastError;
    lines.push(`**Last failed read** (${type}, ${at}): ${escapeMarkdown(message)}`);
  }
  if (state.runs > 1) lines.push(`**Run:** ${state.runs} (continued as new)`);
  return lines.join('\n\n');
}

/** Text from outside (an operator's reason, a vendor's error) shown as itself, not as markdown. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|!~]/g, (char) => `\\${char}`);
}
