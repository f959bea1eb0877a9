import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigurationError } from '../../domain';
import {
  defaultWorkflowSource,
  TEST_WORKFLOWS_PATH_VARIABLE,
  WORKFLOWS_PATH,
} from '../../worker/create-worker';

describe('where the worker gets its workflow code', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kyc-bundle-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('bundles workflows/ at start when no prebuilt bundle is named', () => {
    expect(defaultWorkflowSource({}, {})).toEqual({ workflowsPath: WORKFLOWS_PATH });
  });

  it('loads the bundle KYC_WORKFLOW_BUNDLE names, as the image does', async () => {
    const bundle = path.join(dir, 'workflow-bundle.js');
    await writeFile(bundle, '// a bundle');
    expect(defaultWorkflowSource({ KYC_WORKFLOW_BUNDLE: bundle }, {})).toEqual({
      workflowBundle: { codePath: bundle },
    });
  });

  it('refuses a bundle that is not there, naming the setting and the file', () => {
    const missing = path.join(dir, 'nowhere.js');
    const start = () => defaultWorkflowSource({ KYC_WORKFLOW_BUNDLE: missing }, {});
    expect(start).toThrow(ConfigurationError);
    expect(start).toThrow(`KYC_WORKFLOW_BUNDLE: no file at ${missing}`);
  });

  it("runs a test's own entry before any bundle", () => {
    const entry = path.join(dir, 'test-workflows.ts');
    expect(
      defaultWorkflowSource(
        { KYC_WORKFLOW_BUNDLE: 'dist/workflow-bundle.js' },
        {
          [TEST_WORKFLOWS_PATH_VARIABLE]: entry,
        },
      ),
    ).toEqual({ workflowsPath: entry });
  });
});
