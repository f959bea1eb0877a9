import type { SearchAttributeKey, SearchAttributeType } from '@temporalio/common/lib/search-attributes';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { KYC_SEARCH_ATTRIBUTES } from '../../domain';
import { requiredTestEnv, TEST_ENV } from './test-env';

/**
 * Temporal's time-skipping test server (the Java one unit global setup found), for workflow logic in virtual
 * time: while a client awaits a workflow's result, or `env.sleep` runs, the server jumps to the next timer
 * whenever nothing else is in flight; otherwise its clock runs at real speed. It has no visibility store to
 * list by, but refuses unknown search attributes as a real server does, so the project's are registered.
 * Tear it down in `afterAll`.
 */
export async function startTimeSkippingTemporal(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: requiredTestEnv(TEST_ENV.timeSkippingServer) } },
  });
  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(KYC_SEARCH_ATTRIBUTES.map((key) => [key.name, indexedType(key)])),
    });
  } catch (error) {
    await env.teardown();
    throw error;
  }
  return env;
}

function indexedType(key: SearchAttributeKey<SearchAttributeType>) {
  const type = encodeSearchAttributeIndexedValueType(key.type);
  if (type === undefined) throw new Error(`search attribute ${key.name} has no indexed type`);
  return type;
}
