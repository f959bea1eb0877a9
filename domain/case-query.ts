import type { CaseOutcome, CasePhase } from './case-phase';
import { KYC_OUTCOME, KYC_PHASE } from './search-attributes';

/**
 * The visibility query of a filter. Phases and outcomes are enum values the caller validated, so they are
 * safe to quote; nothing else the caller typed reaches the query.
 */
export function caseListQuery(filter: { phase?: CasePhase; outcome?: CaseOutcome }): string {
  // A run that continued as new is the same case: only its last run speaks for it.
  const clauses = [`WorkflowType = 'kycCase'`, `ExecutionStatus != 'ContinuedAsNew'`];
  if (filter.phase) clauses.push(`${KYC_PHASE.name} = '${filter.phase}'`);
  if (filter.outcome) clauses.push(`${KYC_OUTCOME.name} = '${filter.outcome}'`);
  return clauses.join(' AND ');
}
