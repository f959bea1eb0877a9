import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { temporalConnectionSettings } from '../../client/temporal-connection';
import { loadWorkerConfig } from '../../config';
import { TEST_CODEC_ENV } from '../helpers/codec';

/** How the worker (and every client) reaches Temporal: a dev server, Temporal Cloud, or a cluster with mTLS. */
const REQUIRED = {
  KRIPTOMAT_BASE_URL: 'https://api.kriptomat.io',
  KRIPTOMAT_TOKEN: 't',
  SUMSUB_APP_TOKEN: 'sbx:t',
  SUMSUB_SECRET_KEY: 's',
  SUMSUB_KRIPTOMAT_CLIENT_ID: 'kriptomat',
  ...TEST_CODEC_ENV,
};
const settingsFor = (env: Record<string, string>) =>
  temporalConnectionSettings(loadWorkerConfig({ ...REQUIRED, ...env }));

/** PEM-looking files, distinct so the test can tell which went where. */
function pemFiles(): Record<'cert' | 'key' | 'ca', string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kyc-tls-'));
  const files = { cert: 'client.pem', key: 'client.key', ca: 'ca.pem' };
  for (const [kind, name] of Object.entries(files))
    writeFileSync(path.join(dir, name), `-----${kind}-----\n`);
  return {
    cert: path.join(dir, files.cert),
    key: path.join(dir, files.key),
    ca: path.join(dir, files.ca),
  };
}

describe('temporalConnectionSettings', () => {
  it('connects in plain text to a dev server by default', () => {
    expect(settingsFor({})).toEqual({ address: 'localhost:7233' });
  });

  it('uses TLS whenever an API key is given (Temporal Cloud)', () => {
    const settings = settingsFor({
      TEMPORAL_ADDRESS: 'kyc.a1b2c.tmprl.cloud:7233',
      TEMPORAL_API_KEY: 'cloud-api-key',
    });
    expect(settings).toEqual({ address: 'kyc.a1b2c.tmprl.cloud:7233', tls: {}, apiKey: 'cloud-api-key' });
  });

  it('reads the client certificate pair from files for mTLS', () => {
    const files = pemFiles();
    const settings = settingsFor({ TEMPORAL_TLS_CERT_PATH: files.cert, TEMPORAL_TLS_KEY_PATH: files.key });
    expect(settings.tls).toEqual({
      clientCertPair: { crt: Buffer.from('-----cert-----\n'), key: Buffer.from('-----key-----\n') },
    });
    expect(settings.apiKey).toBeUndefined();
  });

  it('trusts a private CA and checks the server name given', () => {
    const files = pemFiles();
    const settings = settingsFor({
      TEMPORAL_TLS_CA_PATH: files.ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(settings.tls).toEqual({
      serverRootCACertificate: Buffer.from('-----ca-----\n'),
      serverNameOverride: 'temporal.internal',
    });
  });

  it('turns TLS on alone (a TLS proxy), or off even with an API key when told to', () => {
    expect(settingsFor({ TEMPORAL_TLS: 'true' }).tls).toEqual({});
    expect(settingsFor({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k' })).toEqual({
      address: 'localhost:7233',
      apiKey: 'k',
    });
  });

  it('refuses a certificate without its key, naming the missing variable', () => {
    const files = pemFiles();
    expect(() => settingsFor({ TEMPORAL_TLS_CERT_PATH: files.cert })).toThrow(/TEMPORAL_TLS_KEY_PATH/);
  });
});
