import { SANDBOX_SCENARIOS } from '../sandbox/scenarios';

export interface BannerInfo {
  cli: string;
  /** host:port of the Temporal frontend. */
  address: string;
  uiUrl: string | null;
  kriptomatUrl: string;
  sumsubUrl: string;
  webhookUrl: string;
  taskQueue: string;
  namespace: string;
}

/** What `npm start` prints once everything runs: where things are, and commands to paste. */
export function formatBanner(info: BannerInfo): string {
  const cli = shellQuote(info.cli);
  const at = `--address ${info.address}`;
  // Built from the scenario table so the hint cannot drift from what the simulator does.
  const prefixes = Object.keys(SANDBOX_SCENARIOS)
    .filter((name) => name !== 'unknown')
    .map((name) => `${name}-`)
    .join(', ');
  return [
    '',
    'kyc-orchestrator is running on the sandbox (Ctrl-C to stop)',
    `  Temporal UI:    ${info.uiUrl ?? '(disabled)'}`,
    `  Temporal gRPC:  ${info.address}  (namespace ${info.namespace}, task queue ${info.taskQueue})`,
    `  Kriptomat sim:  ${info.kriptomatUrl}`,
    `  SumSub sim:     ${info.sumsubUrl}  (webhooks to ${info.webhookUrl})`,
    '',
    'Try:',
    '  # start the case of a user who never did KYC: SumSub, import, then Kriptomat decides',
    `  ${cli} workflow start ${at} --type kycCase --task-queue ${info.taskQueue} --workflow-id kyc:onboard-1 --input '{"userId":"onboard-1"}'`,
    '  # query its state (again in a few seconds: awaiting_user, sharing, awaiting_kriptomat, approved)',
    `  ${cli} workflow query ${at} --workflow-id kyc:onboard-1 --name getState`,
    '  # list cases by phase',
    `  ${cli} workflow list ${at} --query 'KycPhase="awaiting_kriptomat"'`,
    '',
    `Sandbox user ids pick a scenario by prefix (${prefixes}; e.g. resubmit-7); any other id is unknown (404).`,
    '',
  ].join('\n');
}

/** Double quotes, as the brief's commands show, with the characters special inside them escaped. */
function shellQuote(value: string): string {
  return `"${value.replace(/["\\$`]/g, '\\$&')}"`;
}
