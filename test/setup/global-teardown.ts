import { removeWorkflowBundle } from './workflow-bundle';

export default async function globalTeardown(): Promise<void> {
  await removeWorkflowBundle();
}
