import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliContext } from '../../cli/context';
import type { CliIo } from '../../cli/io';
import { run } from '../../cli/run';
import { loadApiConfig, loadWorkerConfig } from '../../config';
import { API_TOKEN, appWithoutTemporal } from '../api/api-harness';
import { environmentOf, interpolate, loadCompose, publishedPorts } from '../deploy/compose-files';
import { TEST_CODEC_ENV } from '../helpers/codec';

/**
 * Row 10 of "hostile networks and hostile callers": the defaults a deployment starts from. The secrets the
 * engine owns need real strength (vendor-issued ones are taken as given) and a refusal never echoes them; the
 * API will not serve its bearer token over plain HTTP on a public address; compose puts a TLS proxy in front
 * and publishes nothing else beyond 127.0.0.1, with no default database password; the CLI reads no `.env` of
 * whatever directory it runs in; a cancel reason is one line of plain text.
 */
const LONG_TOKEN = `row10-${randomBytes(24).toString('base64url')}`;
const API_ENV = {
  ...TEST_CODEC_ENV,
  KYC_API_TOKEN: LONG_TOKEN,
  // Vendor-issued: short ones are SumSub's business, not ours.
  SUMSUB_APP_TOKEN: 'sbx:t',
  SUMSUB_SECRET_KEY: 's',
  SUMSUB_WEBHOOK_SECRET: 'w',
};
const WORKER_ENV = {
  ...TEST_CODEC_ENV,
  KRIPTOMAT_BASE_URL: 'https://api.kriptomat.io',
  KRIPTOMAT_TOKEN: 't',
  SUMSUB_APP_TOKEN: 'sbx:t',
  SUMSUB_SECRET_KEY: 's',
  SUMSUB_KRIPTOMAT_CLIENT_ID: 'kriptomat',
  PARTNER_WEBHOOK_URL: 'https://partner.example/kyc-events',
};

/** The refusal's message for `load`, which must throw. */
function refusal(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
}

describe('secrets the engine owns', () => {
  it.each([
    ['KYC_API_TOKEN', 'a-long-enough-api-token'],
    ['KYC_API_TOKEN', 'x'.repeat(31)],
    ['KYC_CODEC_TOKEN', 'codec-token-under-32-chars-1234'],
  ])('%s shorter than 32 characters is refused, never echoed', (name, value) => {
    const message = refusal(() => loadApiConfig({ ...API_ENV, [name]: value }));
    expect(message).toContain(`${name}: must be at least 32 characters`);
    expect(message).not.toContain(value);
  });

  it('accept 32 characters and more', () => {
    expect(refusal(() => loadApiConfig({ ...API_ENV, KYC_API_TOKEN: 'x'.repeat(32) }))).toBe('accepted');
  });

  const whsec = (bytes: number) => `whsec_${randomBytes(bytes).toString('base64')}`;
  it.each([
    ['raw, 16 bytes', 'partner-secret-1'],
    ['raw, 23 bytes', 'partner-secret-23-bytes'],
    ['whsec_ form, 16 bytes', whsec(16)],
    ['whsec_ form, 23 bytes', whsec(23)],
    ['whsec_ form, not base64', 'whsec_!!not-base64-at-all-but-long-enough!!'],
  ])('a partner webhook secret under 24 bytes (%s) is refused, never echoed', (_, value) => {
    const message = refusal(() => loadWorkerConfig({ ...WORKER_ENV, PARTNER_WEBHOOK_SECRET: value }));
    expect(message).toMatch(/PARTNER_WEBHOOK_SECRET: .*24 bytes/);
    expect(message).not.toContain(value);
  });

  it('names the short secret of a rotation list by its place, never echoing either', () => {
    const current = whsec(32);
    const short = whsec(16);
    const message = refusal(() =>
      loadWorkerConfig({ ...WORKER_ENV, PARTNER_WEBHOOK_SECRET: `${current} ${short}` }),
    );
    expect(message).toMatch(/PARTNER_WEBHOOK_SECRET: secret 2 of 2 must be at least 24 bytes/);
    expect(message).not.toContain(current);
    expect(message).not.toContain(short);
    expect(
      refusal(() => loadWorkerConfig({ ...WORKER_ENV, PARTNER_WEBHOOK_SECRET: `${current} ${whsec(24)}` })),
    ).toBe('accepted');
  });

  it.each([
    ['raw, 24 bytes', 'partner-secret-24-bytes!'],
    ['whsec_ form, 24 bytes', whsec(24)],
    ['whsec_ form, 32 bytes', whsec(32)],
  ])('a partner webhook secret of 24 bytes or more (%s) is accepted', (_, value) => {
    expect(refusal(() => loadWorkerConfig({ ...WORKER_ENV, PARTNER_WEBHOOK_SECRET: value }))).toBe(
      'accepted',
    );
  });

  it.each([16, 31, 33, 64])('a codec key of %i bytes is refused when the configuration loads', (bytes) => {
    const key = `k1:${randomBytes(bytes).toString('base64')}`;
    for (const load of [
      () => loadApiConfig({ ...API_ENV, KYC_CODEC_KEY: key }),
      () => loadWorkerConfig({ ...WORKER_ENV, PARTNER_WEBHOOK_SECRET: 'x'.repeat(24), KYC_CODEC_KEY: key }),
      () => loadApiConfig({ ...API_ENV, KYC_CODEC_PREVIOUS_KEYS: key }),
    ]) {
      const message = refusal(load);
      expect(message).toMatch(/KYC_CODEC_(PREVIOUS_)?KEYS?.*32 bytes/);
      expect(message).not.toContain(key.slice(3));
    }
  });
});

describe('the API on a public address', () => {
  it('binds loopback by default', () => {
    expect(loadApiConfig(API_ENV).KYC_API_HOST).toBe('127.0.0.1');
  });

  it.each(['0.0.0.0', '::', '10.1.2.3', 'api.example.com'])(
    'refuses %s without TLS, naming the way out',
    (host) => {
      const message = refusal(() => loadApiConfig({ ...API_ENV, KYC_API_HOST: host }));
      expect(message).toContain('KYC_API_HOST');
      expect(message).toContain('KYC_API_BEHIND_TLS_PROXY');
      expect(message).not.toContain(LONG_TOKEN);
    },
  );

  it('serves a public address behind a TLS proxy, or with its own certificate', () => {
    expect(
      refusal(() => loadApiConfig({ ...API_ENV, KYC_API_HOST: '0.0.0.0', KYC_API_BEHIND_TLS_PROXY: 'true' })),
    ).toBe('accepted');
    expect(
      refusal(() =>
        loadApiConfig({
          ...API_ENV,
          KYC_API_HOST: '0.0.0.0',
          KYC_API_TLS_CERT_PATH: '/tls/api.pem',
          KYC_API_TLS_KEY_PATH: '/tls/api-key.pem',
        }),
      ),
    ).toBe('accepted');
  });
});

describe('docker-compose.yml', () => {
  const base = loadCompose('docker-compose.yml');
  const sandbox = loadCompose('deploy/compose.sandbox.yml');

  it('requires the database password: no default', () => {
    const db = environmentOf(base.services.postgresql).POSTGRES_PASSWORD ?? '';
    expect(db).toMatch(/^\$\{[A-Z_]+:\?.+\}$/);
    expect(() => interpolate(db)).toThrow(/required/);
    const temporal = environmentOf(base.services.temporal).POSTGRES_PWD ?? '';
    expect(temporal).toBe(db);
  });

  it('puts a TLS proxy (Caddy) in front of the API, publishing nothing else beyond 127.0.0.1', () => {
    const proxy = Object.entries(base.services).find(([, service]) => /^caddy:/.test(service.image ?? ''));
    expect(proxy).toBeDefined();
    const [proxyName, proxyService] = proxy!;
    expect(
      publishedPorts(proxyService)
        .map((port) => port.container)
        .sort(),
    ).toEqual(['443', '80']);
    const exposed = [base, sandbox].flatMap((file) =>
      Object.entries(file.services)
        .filter(([name]) => name !== proxyName)
        .flatMap(([name, service]) =>
          (service.ports ?? [])
            .filter((spec) => !spec.startsWith('127.0.0.1:'))
            .map((spec) => `${name}: ${spec}`),
        ),
    );
    expect(exposed).toEqual([]);
    expect(environmentOf(base.services.api).KYC_API_BEHIND_TLS_PROXY).toBe('true');
  });
});

describe('the CLI', () => {
  const io = (env: NodeJS.ProcessEnv = {}) => {
    const err: string[] = [];
    const value: CliIo = {
      stdout: { write: () => true },
      stderr: { write: (text: string) => err.push(text) },
      env,
      onInterrupt: () => () => undefined,
    };
    return { io: value, stderr: () => err.join('') };
  };

  it('reads no .env from the directory it runs in, only one given with --env-file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kyc-row10-'));
    const cwd = process.cwd();
    try {
      writeFileSync(path.join(dir, '.env'), 'TEMPORAL_ADDRESS=planted.attacker.example:7233\n');
      const chosen = path.join(dir, 'chosen.env');
      writeFileSync(chosen, 'TEMPORAL_ADDRESS=chosen.example:7233\n');
      process.chdir(dir);
      const planted = new CliContext(io(TEST_CODEC_ENV).io, () => ({})).config();
      expect(planted.TEMPORAL_ADDRESS).not.toBe('planted.attacker.example:7233');
      const explicit = new CliContext(io(TEST_CODEC_ENV).io, () => ({ envFile: chosen })).config();
      expect(explicit.TEMPORAL_ADDRESS).toBe('chosen.example:7233');
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['a control character', 'duplicate\u0007 signup'],
    ['a line break', 'duplicate\nsignup'],
    ['markdown', '**urgent** see [here](https://evil.example)'],
    ['more than 500 characters', 'x'.repeat(501)],
  ])('refuses a cancel reason with %s as a usage error, before it connects', async (_, reason) => {
    // No codec key: anything that got past the argument check would stop at the configuration (exit 4).
    const { io: cliIo, stderr } = io({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
    const code = await run(['cancel', 'row10-user', '--reason', reason], cliIo);
    expect({ code, names: stderr().includes('--reason') }).toEqual({ code: 2, names: true });
  });
});

describe('a cancel reason over the API', () => {
  const { app, close } = appWithoutTemporal({ timeouts: { temporalMs: 200 } });
  afterAll(() => close());
  const cancel = async (reason: string) => {
    const response = await app.request('/v1/cases/row10-user/cancel', {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason }),
    });
    return { status: response.status, text: await response.text() };
  };

  it.each([
    ['a control character', 'duplicate\u0007 signup'],
    ['an ANSI escape', 'duplicate \u001b[31msignup'],
    ['a line break', 'duplicate\nsignup'],
    ['a bidi override', 'duplicate \u202esignup'],
    ['markdown emphasis', '**urgent**'],
    ['a markdown link', '[click](https://evil.example)'],
    ['HTML', '<img src=x onerror=alert(1)>'],
    ['more than 500 characters', 'x'.repeat(501)],
  ])('is refused with 400 naming body.reason when it holds %s, never echoed', async (_, reason) => {
    const answer = await cancel(reason);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({
      error: 'invalid_request',
      issues: [{ path: 'body.reason' }],
    });
    expect(answer.text).not.toContain(reason);
  });

  it('is accepted as plain text (the call then goes on to Temporal, down here)', async () => {
    expect((await cancel("duplicate signup (asked by the partner's support, ticket 4711)")).status).toBe(503);
  });
});
