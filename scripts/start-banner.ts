import { SANDBOX_SCENARIOS } from '../sandbox/scenarios';

export interface BannerInfo {
  cli: string;
  /** host:port of the Temporal frontend. */
  address: string;
  uiUrl: string | null;
  simulatorUrl: string;
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
    `  Kriptomat sim:  ${info.simulatorUrl}`,
    '',
    'Try:',
    '  # start a case',
    `  ${cli} workflow start ${at} --type kycCase --task-queue ${info.taskQueue} --workflow-id kyc:passed-1 --input '{"userId":"passed-1"}'`,
    '  # query its state',
    `  ${cli} workflow query ${at} --workflow-id kyc:passed-1 --name getState`,
    '  # list cases waiting on Kriptomat',
    `  ${cli} workflow list ${at} --query 'KycPhase="awaiting_kriptomat"'`,
    '',
    `Sandbox user ids pick a scenario by prefix (${prefixes}; e.g. pending-7); any other id is unknown (404).`,
    '',
  ].join('\n');
}

/** Double quotes, as the brief's commands show, with the characters special inside them escaped. */
function shellQuote(value: string): string {
  return `"${value.replace(/["\\$`]/g, '\\$&')}"`;
}
