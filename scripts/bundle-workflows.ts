/**
 * `node --import tsx scripts/bundle-workflows.ts [file]`: writes the workflow bundle a production worker loads
 * through `KYC_WORKFLOW_BUNDLE` (default dist/workflow-bundle.js, where `npm run build` puts it).
 */
import path from 'node:path';
import { writeWorkflowBundle } from '../worker/workflow-bundle';

const file = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
writeWorkflowBundle(file).then(
  () => console.log(`workflow bundle written: ${path.relative(process.cwd(), file)}`),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
