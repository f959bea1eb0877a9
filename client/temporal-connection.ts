import { Client, Connection } from '@temporalio/client';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import { readFileSync } from 'node:fs';
import { kycDataConverter } from '../codec';
import type { CodecConfig, TemporalConfig } from '../config';

/** What both a client `Connection` and the worker's `NativeConnection` take: address, TLS and API key. */
export interface TemporalConnectionSettings {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
}

/**
 * Connection settings from the configuration: plain on a dev server; TLS for Temporal Cloud (an API key
 * implies it) or any cluster with certificates; mTLS when a client certificate is given.
 */
export function temporalConnectionSettings(config: TemporalConfig): TemporalConnectionSettings {
  const file = (path: string | undefined): Buffer | undefined => (path ? readFileSync(path) : undefined);
  const clientCert = file(config.TEMPORAL_TLS_CERT_PATH);
  const clientKey = file(config.TEMPORAL_TLS_KEY_PATH);
  const rootCa = file(config.TEMPORAL_TLS_CA_PATH);
  const wantsTls =
    config.TEMPORAL_TLS ??
    Boolean(config.TEMPORAL_API_KEY || clientCert || rootCa || config.TEMPORAL_TLS_SERVER_NAME);
  const tls: TLSConfig = {
    ...(config.TEMPORAL_TLS_SERVER_NAME && { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME }),
    ...(rootCa && { serverRootCACertificate: rootCa }),
    ...(clientCert && clientKey && { clientCertPair: { crt: clientCert, key: clientKey } }),
  };
  return {
    address: config.TEMPORAL_ADDRESS,
    ...(wantsTls && { tls }),
    ...(config.TEMPORAL_API_KEY && { apiKey: config.TEMPORAL_API_KEY }),
  };
}

/** A Temporal client that encrypts and decrypts payloads with the project's codec. */
export async function connectKycClient(config: TemporalConfig & CodecConfig): Promise<Client> {
  // Built first: a bad key is a configuration error, reported before any time is spent connecting.
  const dataConverter = kycDataConverter(config);
  const connection = await Connection.connect(temporalConnectionSettings(config));
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
}
