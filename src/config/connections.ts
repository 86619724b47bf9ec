import fs from 'node:fs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { Connection, type TLSConfig } from '@temporalio/client';

import { NativeConnection } from '@temporalio/worker';
import pg from 'pg';
import { sslModeOf, type SagaflowConfig } from './env';

/**
 * The one place that turns settings into connections, so TLS, API keys and database certificates
 * work the same in the saga worker, the projection worker, the CLI and app code.
 */

export type DatabaseSettings = Pick<SagaflowConfig, 'databaseSslCaPath'>;
export type TemporalSettings = Pick<SagaflowConfig, 'temporalTls'>;

/** pg client settings with the connection string's own TLS parameters taken out (pg would let them override `ssl`). */
export type PostgresConnection = pg.ClientConfig & { connectionString: string };

/**
 * pg settings for a database URL. TLS follows the URL's `sslmode` and DATABASE_SSL_CA: `disable`
 * is plain; `require` and `verify-full` verify the server's certificate chain and host name (as
 * node-postgres does for `require`; sagaflow has no unverified TLS); `verify-ca` verifies the chain
 * only; a CA without an sslmode means `verify-full`. The CA file, when given, replaces the system
 * trust store.
 */
export function postgresConnection(databaseUrl: string, settings: DatabaseSettings = {}): PostgresConnection {
  const mode = sslModeOf(databaseUrl) ?? (settings.databaseSslCaPath ? 'verify-full' : undefined);
  const url = new URL(databaseUrl);
  url.searchParams.delete('sslmode');
  const connectionString = url.toString();
  if (mode === undefined) return { connectionString };
  if (mode === 'disable') return { connectionString, ssl: false };
  const ssl: TlsOptions = {
    rejectUnauthorized: true,
    ...(settings.databaseSslCaPath ? { ca: fs.readFileSync(settings.databaseSslCaPath, 'utf8') } : {}),
    // verify-ca: the certificate must come from the trusted CA, whatever host name it names.
    ...(mode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
  };
  return { connectionString, ssl };
}

/** A pool on the database, with the TLS settings of `postgresConnection`. */
export function createPool(databaseUrl: string, settings: DatabaseSettings = {}, options: Omit<pg.PoolConfig, 'connectionString' | 'ssl'> = {}): pg.Pool {
  return new pg.Pool({ ...postgresConnection(databaseUrl, settings), ...options });
}

export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

/** Options for both the client's Connection and the worker's NativeConnection: TLS when any TLS setting or an API key is given. */
export function temporalConnectionOptions(address: string, settings: TemporalSettings = {}): TemporalConnectionOptions {
  const tls = settings.temporalTls;
  if (!tls) return { address };
  const config: TLSConfig = {
    ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
    ...(tls.caPath ? { serverRootCACertificate: fs.readFileSync(tls.caPath) } : {}),
    ...(tls.clientCertPath && tls.clientKeyPath ? { clientCertPair: { crt: fs.readFileSync(tls.clientCertPath), key: fs.readFileSync(tls.clientKeyPath) } } : {}),
  };
  return { address, tls: config, ...(tls.apiKey ? { apiKey: tls.apiKey } : {}) };
}

/** A client connection (for Client, WorkflowClient). */
export function connectTemporal(address: string, settings: TemporalSettings = {}, extra: { connectTimeout?: string | number } = {}): Promise<Connection> {
  return Connection.connect({ ...temporalConnectionOptions(address, settings), ...extra });
}

/** A worker connection. */
export function connectTemporalWorker(address: string, settings: TemporalSettings = {}): Promise<NativeConnection> {
  return NativeConnection.connect(temporalConnectionOptions(address, settings));
}
