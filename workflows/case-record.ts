import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { CasePhase, KriptomatKycSnapshot, KycCaseState } from '../domain';
import { EDD_STATUS, isOutcome, KYC_OUTCOME, KYC_PHASE, KYC_STATUS } from '../domain';

/** A fresh case in `checking`. Workflow time (`new Date()`) is deterministic, so timestamps replay exactly. */
export function newCaseState(userId: string): KycCaseState {
  const now = new Date().toISOString();
  return {
    userId,
    phase: 'checking',
    outcome: null,
    kycStatus: null,
    eddStatus: null,
    phases: [{ phase: 'checking', at: now }],
    lastError: null,
    kriptomatChecks: 0,
    nextCheckAt: null,
    cancelReason: null,
    startedAt: now,
    updatedAt: now,
  };
}

/** Moves the case to `phase` and shows it to operators (search attributes and UI details). */
export function enterPhase(state: KycCaseState, phase: CasePhase): void {
  const now = new Date().toISOString();
  state.phase = phase;
  state.updatedAt = now;
  state.nextCheckAt = null;
  if (isOutcome(phase)) state.outcome = phase;
  if (phase !== 'needs_attention') state.lastError = null;
  state.phases.push({ phase, at: now });
  publish(state);
}

/** Records a fresh read of the Kriptomat user. */
export function recordSnapshot(state: KycCaseState, snapshot: KriptomatKycSnapshot): void {
  const changed = state.kycStatus !== snapshot.kycStatus || state.eddStatus !== snapshot.eddStatus;
  state.kycStatus = snapshot.kycStatus;
  state.eddStatus = snapshot.eddStatus;
  state.kriptomatChecks += 1;
  state.updatedAt = new Date().toISOString();
  // Each upsert is a history event: a poll that learns nothing new only refreshes the details.
  if (changed) publish(state);
  else showDetails(state);
}

/** Shows the case to operators: search attributes (a history event) and the UI details. */
export function publish(state: KycCaseState): void {
  upsertSearchAttributes([
    { key: KYC_PHASE, value: state.phase },
    ...(state.kycStatus ? [{ key: KYC_STATUS, value: state.kycStatus }] : []),
    ...(state.eddStatus ? [{ key: EDD_STATUS, value: state.eddStatus }] : []),
    ...(state.outcome ? [{ key: KYC_OUTCOME, value: state.outcome }] : []),
  ]);
  showDetails(state);
}

/** Refreshes only the UI details (no history event), e.g. after the next check time changed. */
export function showDetails(state: KycCaseState): void {
  setCurrentDetails(renderDetails(state));
}

/** Markdown for the Temporal UI's "current details": statuses and timings only, never personal data. */
export function renderDetails(state: KycCaseState): string {
  const lines = [
    `**Phase:** ${state.phase}`,
    `**Kriptomat KYC:** ${state.kycStatus ?? 'not read yet'} · **EDD:** ${state.eddStatus ?? 'not read yet'}`,
    `**Kriptomat reads:** ${state.kriptomatChecks}`,
  ];
  if (state.nextCheckAt) lines.push(`**Next check:** ${state.nextCheckAt}`);
  if (state.lastError)
    lines.push(
      `**Last error** (${state.lastError.type}, in ${state.lastError.step}): ${state.lastError.message}`,
    );
  if (state.cancelReason) lines.push(`**Cancelled:** ${state.cancelReason}`);
  return lines.join('\n\n');
}
