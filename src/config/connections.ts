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

export interface PoolOptions extends Omit<pg.PoolConfig, 'connectionString' | 'ssl'> {
  /** Told of each connection the server ended (a restart, a terminated backend); by default nothing is said. */
  onConnectionLost?: (error: Error) => void;
}

/**
 * A pool on the database, with the TLS settings of `postgresConnection`, that outlives the server's
 * restarts (see `surviveDisconnects`).
 */
export function createPool(databaseUrl: string, settings: DatabaseSettings = {}, { onConnectionLost, ...options }: PoolOptions = {}): pg.Pool {
  return surviveDisconnects(new pg.Pool({ ...postgresConnection(databaseUrl, settings), ...options }), onConnectionLost);
}

/**
 * When the server ends a connection (a restart, `pg_terminate_backend`, a failover), node-postgres
 * emits 'error' on the pool for an idle client and on the client itself for a checked-out one, and an
 * 'error' event nobody listens to ends the process: one restart of PostgreSQL took the saga worker
 * down. Both are heard here. Nothing is hidden: the query in flight still rejects (an activity fails
 * and Temporal retries it), and pg-pool discards a client that is no longer queryable when it is
 * released, so the next checkout opens a fresh connection.
 */
export function surviveDisconnects(pool: pg.Pool, onConnectionLost: (error: Error) => void = () => undefined): pg.Pool {
  pool.on('error', onConnectionLost);
  pool.on('connect', (client) => client.on('error', onConnectionLost));
  return pool;
}

/**
 * A connection-lost reporter for a long-running process's log: one line when connections start
 * dropping, then at most one per interval with how many more dropped, instead of one per pooled client.
 */
export function reportLostConnections(log: (line: string) => void, intervalMs = 10_000): (error: Error) => void {
  let lastLogged = 0;
  let unreported = 0;
  return (error) => {
    unreported += 1;
    const now = Date.now();
    if (now - lastLogged < intervalMs) return;
    const code = (error as { code?: string }).code;
    log(`lost ${unreported} database connection${unreported === 1 ? '' : 's'} (${code ? `${code} ` : ''}${error.message}); work in flight retries on a new one`);
    lastLogged = now;
    unreported = 0;
  };
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
