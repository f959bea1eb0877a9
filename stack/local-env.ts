import { parse } from 'dotenv';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { generateCodecKey } from '../codec';

/** Secrets `npm start` makes once and keeps beside the dev server's state: open cases must stay readable. */
export interface LocalSecrets {
  KYC_CODEC_KEY: string;
  KYC_API_TOKEN: string;
  /** The secret last segment of Kriptomat's webhook URL (`/webhooks/kriptomat/<token>`). */
  KRIPTOMAT_WEBHOOK_TOKEN: string;
  /**
   * The audit trail's keys, kept outside its database (`.data/audit`): without them the trail can neither be
   * searched by user nor extended with heads that verify.
   */
  KYC_AUDIT_LOOKUP_KEY: string;
  KYC_AUDIT_SIGNING_KEY: string;
}

const LOCAL_ENV_FILE = 'kyc.env';

/**
 * The engine's own env file in the data dir (`.data/kyc.env`): the secrets it generated on the first start,
 * and where this start runs. `set -a; . .data/kyc.env; set +a` hands all of it to a shell, so the `kyc`
 * CLI and curl talk to this engine. The file is private to its owner (mode 0600).
 */
export async function writeLocalEnv(
  dataDir: string,
  connection: Record<string, string>,
  configured: NodeJS.ProcessEnv,
): Promise<{ file: string; secrets: LocalSecrets }> {
  const file = path.join(dataDir, LOCAL_ENV_FILE);
  const previous: Record<string, string> = await fs.readFile(file).then(
    (text) => parse(text),
    () => ({}),
  );
  // What the environment configures wins; otherwise the secret of the last start, else a new one.
  const secrets: LocalSecrets = {
    KYC_CODEC_KEY: configured.KYC_CODEC_KEY ?? previous.KYC_CODEC_KEY ?? generateCodecKey('local-1'),
    KYC_API_TOKEN:
      configured.KYC_API_TOKEN ?? previous.KYC_API_TOKEN ?? randomBytes(24).toString('base64url'),
    // 32 URL-safe characters: above the 24 the configuration asks for, and fit for a path segment.
    KRIPTOMAT_WEBHOOK_TOKEN:
      configured.KRIPTOMAT_WEBHOOK_TOKEN ??
      previous.KRIPTOMAT_WEBHOOK_TOKEN ??
      randomBytes(24).toString('base64url'),
    KYC_AUDIT_LOOKUP_KEY:
      configured.KYC_AUDIT_LOOKUP_KEY ?? previous.KYC_AUDIT_LOOKUP_KEY ?? randomBytes(32).toString('base64'),
    KYC_AUDIT_SIGNING_KEY:
      configured.KYC_AUDIT_SIGNING_KEY ??
      previous.KYC_AUDIT_SIGNING_KEY ??
      `local-1:${randomBytes(32).toString('base64')}`,
  };
  const lines = [
    '# Written by `npm start` on every start: the local engine, for `set -a; . <this file>; set +a`.',
    "# The codec key encrypts this engine's workflow history: without it, its cases cannot be read.",
    ...Object.entries({ ...connection, ...secrets }).map(([name, value]) => `${name}=${value}`),
    '',
  ];
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(file, lines.join('\n'), { mode: 0o600 });
  await fs.chmod(file, 0o600);
  return { file, secrets };
}
