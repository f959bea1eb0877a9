import { SANDBOX_SCENARIOS, VENDOR_VARIANT_SCENARIOS } from '../sandbox/scenarios';

export interface BannerInfo {
  apiUrl: string;
  /** host:port of the Temporal frontend. */
  address: string;
  uiUrl: string | null;
  namespace: string;
  taskQueue: string;
  /** The engine's env file (API token, codec key, address), for the shell. */
  envFile: string;
  /** The simulators' URLs; null when talking to the real Kriptomat and SumSub. */
  sandbox: { kriptomatUrl: string; sumsubUrl: string } | null;
}

/** What `npm start` prints once everything runs: where things are, and three commands to paste. */
export function formatBanner(info: BannerInfo): string {
  const userId = info.sandbox ? 'onboard-1' : '<kriptomat-user-id>';
  const caseUrl = info.uiUrl
    ? `${info.uiUrl}/namespaces/${info.namespace}/workflows/${encodeURIComponent(`kyc:${userId}`)}`
    : null;
  const lines = [
    '',
    info.sandbox
      ? 'kyc-orchestrator is running on the sandbox (Ctrl-C to stop)'
      : 'kyc-orchestrator is running against the real Kriptomat and SumSub APIs (Ctrl-C to stop)',
    `  API:            ${info.apiUrl}  (OpenAPI: ${info.apiUrl}/openapi.json)`,
    `  Temporal UI:    ${info.uiUrl ?? '(not run by npm start)'}  (payloads decoded by ${info.apiUrl}/codec)`,
    `  Temporal gRPC:  ${info.address}  (namespace ${info.namespace}, task queue ${info.taskQueue})`,
    `  Metrics:        ${info.apiUrl}/metrics`,
    // The token is a credential: named, never printed (it is in the env file).
    `  Kriptomat hook: ${info.apiUrl}/webhooks/kriptomat/$KRIPTOMAT_WEBHOOK_TOKEN  (register it at Kriptomat)`,
  ];
  if (info.sandbox) {
    lines.push(
      `  Kriptomat sim:  ${info.sandbox.kriptomatUrl}`,
      `  SumSub sim:     ${info.sandbox.sumsubUrl}  (webhooks to ${info.apiUrl}/webhooks/sumsub)`,
    );
  }
  lines.push(
    '',
    'Try (in another terminal, from this directory):',
    "  # 0. load this engine's settings into the shell: API token, codec key, Temporal address",
    `  set -a; . ${shellQuote(info.envFile)}; set +a`,
    info.sandbox
      ? '  # 1. start the case of a user who never did KYC: SumSub, share, import, then Kriptomat decides'
      : '  # 1. start (or join) the case of a Kriptomat user',
    `  curl -sS -X PUT -H "Authorization: Bearer $KYC_API_TOKEN" ${info.apiUrl}/v1/cases/${userId}`,
    '  # 2. watch it move through its phases',
    `  npm run kyc -- watch ${userId}`,
    '  # 3. open it in the Temporal UI (its payloads are decrypted for you by the codec endpoint)',
    `  ${caseUrl ?? '(your Temporal UI)'}`,
    '',
  );
  if (info.sandbox) {
    // Built from the scenario table so the hint cannot drift from what the simulator does.
    const prefixes = Object.keys(SANDBOX_SCENARIOS)
      .filter((name) => name !== 'unknown')
      .map((name) => `${name}-`)
      .join(', ');
    const variants = Object.keys(VENDOR_VARIANT_SCENARIOS)
      .map((name) => `${name}-`)
      .join(', ');
    lines.push(
      `Sandbox user ids pick a scenario by prefix (${prefixes}; e.g. resubmit-7).`,
      `Vendors as they really behave: ${variants}; e.g. kyt-1 gets a transaction-monitoring RED+FINAL`,
      'while its KYC review is pending, ignored, and is approved once the review turns GREEN.',
      '',
    );
  }
  return lines.join('\n');
}

/** Single quotes unless the path is plain: it goes into a shell command. */
function shellQuote(value: string): string {
  return /^[\w./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
