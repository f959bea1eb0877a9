import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { CaseOutcome, CasePhase } from '../domain';
import {
  caseListQuery,
  EDD_STATUS,
  KYC_OUTCOME,
  KYC_PHASE,
  KYC_STATUS,
  userIdFromWorkflowId,
} from '../domain';

export interface CaseFilter {
  phase?: CasePhase;
  outcome?: CaseOutcome;
  /** At most this many cases, newest first (default 100). */
  limit?: number;
}

/** One line of a case list, read from the search attributes alone (no query, no worker needed). */
export interface CaseSummary {
  userId: string;
  phase: string | null;
  kycStatus: string | null;
  eddStatus: string | null;
  outcome: string | null;
  workflowStatus: string;
  startedAt: string;
  closedAt: string | null;
}

/** Cases matching the filter, as the Temporal UI would list them with the same query. */
export async function listCases(client: Client, filter: CaseFilter = {}): Promise<CaseSummary[]> {
  const limit = filter.limit ?? 100;
  const cases: CaseSummary[] = [];
  for await (const execution of client.workflow.list({ query: caseListQuery(filter), pageSize: limit })) {
    const summary = toSummary(execution);
    if (summary) cases.push(summary);
    if (cases.length >= limit) break;
  }
  return cases;
}

function toSummary(execution: WorkflowExecutionInfo): CaseSummary | null {
  const userId = userIdFromWorkflowId(execution.workflowId);
  if (userId === null) return null;
  const attributes = execution.typedSearchAttributes;
  return {
    userId,
    phase: attributes.get(KYC_PHASE) ?? null,
    kycStatus: attributes.get(KYC_STATUS) ?? null,
    eddStatus: attributes.get(EDD_STATUS) ?? null,
    outcome: attributes.get(KYC_OUTCOME) ?? null,
    workflowStatus: execution.status.name,
    startedAt: execution.startTime.toISOString(),
    closedAt: execution.closeTime?.toISOString() ?? null,
  };
}
