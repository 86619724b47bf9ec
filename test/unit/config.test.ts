import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, loadProjectionWorkerConfig } from '../../src/config/env';
import { loadDotEnv } from '../../src/config/dotEnv';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagaflow-config-'));
const file = (name: string, content = `${name}\n`) => {
  const at = path.join(dir, name);
  fs.writeFileSync(at, content);
  return at;
};
const cert = file('client.pem');
const key = file('client.key');
const ca = file('ca.pem');
const missing = path.join(dir, 'nowhere.pem');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The message of the ConfigError that loading `env` throws. */
function configErrorOf(env: NodeJS.ProcessEnv, load: (env: NodeJS.ProcessEnv) => unknown = loadConfig): string {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to a local stack: no external services, namespace default, task queue sagaflow', () => {
    expect(loadConfig({})).toEqual({ namespace: 'default', taskQueue: 'sagaflow', retries: 'standard' });
  });

  it('takes external services from the environment, treating blank values as unset', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://app:secret@db.internal:5432/orders?sslmode=require',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'payments',
      SAGAFLOW_TASK_QUEUE: ' ',
      SAGAFLOW_RETRIES: 'fast',
    });
    expect(config).toEqual({
      databaseUrl: 'postgresql://app:secret@db.internal:5432/orders?sslmode=require',
      temporalAddress: 'temporal.internal:7233',
      namespace: 'payments',
      taskQueue: 'sagaflow',
      retries: 'fast',
    });
  });

  it('names every invalid variable with its rule', () => {
    const message = configErrorOf({ DATABASE_URL: 'mysql://localhost/db', TEMPORAL_ADDRESS: 'http://localhost:7233' });
    expect(message).toMatch(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ connection string/);
    expect(message).toMatch(/TEMPORAL_ADDRESS: must be host:port/);
  });

  it.each([
    ['DATABASE_URL', 'not a url', /DATABASE_URL: must be a postgres:\/\//],
    ['DATABASE_URL', 'postgres://db/x?sslmode=prefer', /DATABASE_URL: sslmode must be one of disable, require, verify-ca, verify-full/],
    ['DATABASE_URL', 'postgres://db/x?sslrootcert=/ca.pem', /DATABASE_URL: must not set sslrootcert: give the CA certificate's path in DATABASE_SSL_CA/],
    ['DATABASE_URL', 'postgres://db/x?ssl=true', /DATABASE_URL: must not set ssl: use sslmode/],
    ['TEMPORAL_TLS_SERVER_NAME', 'temporal internal', /TEMPORAL_TLS_SERVER_NAME: must be a host name/],
    ['TEMPORAL_API_KEY', 'two words', /TEMPORAL_API_KEY: must not contain spaces/],
    ['SAGAFLOW_WORKFLOW_BUNDLE', missing, /SAGAFLOW_WORKFLOW_BUNDLE: must be the path of a file, and .* does not exist/],
    ['SAGAFLOW_WORKFLOW_BUNDLE', dir, /SAGAFLOW_WORKFLOW_BUNDLE: must be the path of a file, and .* is not a file/],
    ['TEMPORAL_CLI_PATH', missing, /TEMPORAL_CLI_PATH: must be the path of a file/],
    ['SAGAFLOW_RETRIES', 'quick', /SAGAFLOW_RETRIES: must be 'standard' or 'fast'/],
  ])('%s=%j is refused with its rule', (variable, value, rule) => {
    const env = { TEMPORAL_ADDRESS: 'temporal.internal:7233', [variable]: value };
    expect(configErrorOf(env)).toMatch(rule);
  });

  it('reads mutual TLS settings for a Temporal cluster', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: key, TEMPORAL_TLS_CA: ca, TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' });
    expect(config.temporalTls).toEqual({ clientCertPath: cert, clientKeyPath: key, caPath: ca, serverName: 'temporal.internal' });
  });

  it('reads an API key for Temporal Cloud', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233', TEMPORAL_NAMESPACE: 'shop.a1b2c', TEMPORAL_API_KEY: 'key-123' });
    expect(config.temporalTls).toEqual({ apiKey: 'key-123' });
  });

  it('wants the client certificate and its key together', () => {
    expect(configErrorOf({ TEMPORAL_ADDRESS: 't:7233', TEMPORAL_TLS_CERT: cert })).toMatch(/TEMPORAL_TLS_KEY: must be set with TEMPORAL_TLS_CERT/);
    expect(configErrorOf({ TEMPORAL_ADDRESS: 't:7233', TEMPORAL_TLS_KEY: key })).toMatch(/TEMPORAL_TLS_CERT: must be set with TEMPORAL_TLS_KEY/);
  });

  it.each(['TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CA'])('checks that %s names an existing file', (variable) => {
    expect(configErrorOf({ TEMPORAL_ADDRESS: 't:7233', TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: key, [variable]: missing })).toMatch(
      new RegExp(`${variable}: must be the path of a file, and .*nowhere.pem does not exist`),
    );
  });

  it.each(['TEMPORAL_TLS_CA', 'TEMPORAL_TLS_SERVER_NAME', 'TEMPORAL_API_KEY'])('refuses %s without TEMPORAL_ADDRESS', (variable) => {
    expect(configErrorOf({ [variable]: variable === 'TEMPORAL_TLS_CA' ? ca : 'x' })).toMatch(new RegExp(`${variable}: needs TEMPORAL_ADDRESS`));
  });

  it('takes a database CA certificate, which needs DATABASE_URL and TLS', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x?sslmode=verify-full', DATABASE_SSL_CA: ca }).databaseSslCaPath).toBe(ca);
    expect(configErrorOf({ DATABASE_SSL_CA: ca })).toMatch(/DATABASE_SSL_CA: needs DATABASE_URL/);
    expect(configErrorOf({ DATABASE_URL: 'postgres://db/x?sslmode=disable', DATABASE_SSL_CA: ca })).toMatch(/DATABASE_SSL_CA: contradicts sslmode=disable/);
    expect(configErrorOf({ DATABASE_URL: 'postgres://db/x', DATABASE_SSL_CA: missing })).toMatch(/DATABASE_SSL_CA: must be the path of a file/);
  });

  it('lists the problems one per line, each `VARIABLE: rule`', () => {
    try {
      loadConfig({ DATABASE_URL: 'x', TEMPORAL_ADDRESS: 'y' });
    } catch (error) {
      expect((error as ConfigError).issues).toEqual(['DATABASE_URL: must be a postgres:// or postgresql:// connection string', 'TEMPORAL_ADDRESS: must be host:port, e.g. localhost:7233']);
    }
    expect.assertions(1);
  });
});

describe('loadProjectionWorkerConfig', () => {
  it('defaults: metrics on 127.0.0.1 and no port chosen (the worker takes 9464), batches of 500, a poll every second, a held-back read bound logged after 5 s, no scheduled archiving', () => {
    expect(loadProjectionWorkerConfig({})).toEqual({ metricsHost: '127.0.0.1', metricsPort: undefined, batchSize: 500, pollIntervalMs: 1_000, heldBackLogAfterMs: 5_000, archiveBatchSize: 100 });
  });

  it('SAGAFLOW_ARCHIVE_EVERY turns the scheduled archive on, in batches of SAGAFLOW_ARCHIVE_BATCH_SIZE streams', () => {
    expect(loadProjectionWorkerConfig({ SAGAFLOW_ARCHIVE_EVERY: '1h', SAGAFLOW_ARCHIVE_BATCH_SIZE: '250' })).toMatchObject({ archiveEveryMs: 3_600_000, archiveBatchSize: 250 });
    expect(loadProjectionWorkerConfig({ SAGAFLOW_ARCHIVE_EVERY: '1d' })).toMatchObject({ archiveEveryMs: 86_400_000 });
  });

  it.each([
    ['SAGAFLOW_ARCHIVE_EVERY', '60', 'SAGAFLOW_ARCHIVE_EVERY: must be a duration like 500ms, 5s, 2m, 1h or 30d, got "60"'],
    ['SAGAFLOW_ARCHIVE_EVERY', '30s', 'SAGAFLOW_ARCHIVE_EVERY: must be at least 1m (each run scans the hot table for closed streams), got "30s"'],
    ['SAGAFLOW_ARCHIVE_BATCH_SIZE', '0', 'SAGAFLOW_ARCHIVE_BATCH_SIZE: must be at least 1'],
    ['SAGAFLOW_ARCHIVE_BATCH_SIZE', '20000', 'SAGAFLOW_ARCHIVE_BATCH_SIZE: must be at most 10000'],
  ])('refuses %s=%j with its rule', (variable, value, rule) => {
    expect(configErrorOf({ [variable]: value }, loadProjectionWorkerConfig)).toContain(rule);
  });

  it.each(['0.0.0.0', '::', '::1', '10.1.2.3', 'localhost', 'metrics.internal'])('takes SAGAFLOW_METRICS_HOST=%j', (host) => {
    expect(loadProjectionWorkerConfig({ SAGAFLOW_METRICS_HOST: host }).metricsHost).toBe(host);
  });

  it.each([
    ['0.0.0.0:9464', /SAGAFLOW_METRICS_HOST: must be an address without a port \(the port is SAGAFLOW_METRICS_PORT\), e\.g\. 0\.0\.0\.0/],
    ['[::1]:9464', /SAGAFLOW_METRICS_HOST: must be an address without a port .*e\.g\. ::1/],
    ['http://0.0.0.0', /SAGAFLOW_METRICS_HOST: must be an IP address or host name to listen on, e\.g\. 127\.0\.0\.1 \(this machine only\) or 0\.0\.0\.0 \(every interface\)/],
    ['all interfaces', /SAGAFLOW_METRICS_HOST: must be an IP address or host name/],
    ['-metrics', /SAGAFLOW_METRICS_HOST: must be an IP address or host name/],
    ['256.1.1.1', /SAGAFLOW_METRICS_HOST: must be an IP address or host name/],
    ['9464', /SAGAFLOW_METRICS_HOST: must be an IP address or host name/],
  ])('refuses SAGAFLOW_METRICS_HOST=%j with its rule', (host, rule) => {
    expect(configErrorOf({ SAGAFLOW_METRICS_HOST: host }, loadProjectionWorkerConfig)).toMatch(rule);
  });

  it('takes the database settings the other processes take', () => {
    expect(loadProjectionWorkerConfig({ DATABASE_URL: 'postgres://db/x', DATABASE_SSL_CA: ca })).toMatchObject({ databaseUrl: 'postgres://db/x', databaseSslCaPath: ca });
  });

  it('names every invalid variable with its rule', () => {
    const message = configErrorOf(
      { SAGAFLOW_METRICS_PORT: '70000', SAGAFLOW_PROJECTION_POLL_MS: '5', SAGAFLOW_PROJECTION_BATCH_SIZE: 'many', SAGAFLOW_PROJECTION_HELD_BACK_LOG_MS: '-1' },
      loadProjectionWorkerConfig,
    );
    expect(message).toMatch(/SAGAFLOW_METRICS_PORT: must be at most 65535/);
    expect(message).toMatch(/SAGAFLOW_PROJECTION_HELD_BACK_LOG_MS: must be at least 0/);
    expect(message).toMatch(/SAGAFLOW_PROJECTION_POLL_MS: must be at least 10/);
    expect(message).toMatch(/SAGAFLOW_PROJECTION_BATCH_SIZE: must be a number/);
  });

  it('checks the shared variables too', () => {
    expect(configErrorOf({ DATABASE_URL: 'mysql://db/x' }, loadProjectionWorkerConfig)).toMatch(/DATABASE_URL: must be a postgres/);
  });
});

describe('loadDotEnv', () => {
  it('adds the .env file under the environment: a variable already set wins', () => {
    const envFile = file('.env', 'TEMPORAL_NAMESPACE=from-file\nSAGAFLOW_TASK_QUEUE=file-queue\n');
    const env = loadDotEnv(envFile, { TEMPORAL_NAMESPACE: 'from-env' });
    expect(loadConfig(env)).toMatchObject({ namespace: 'from-env', taskQueue: 'file-queue' });
  });

  it('leaves the environment as it is without a .env file', () => {
    expect(loadDotEnv(missing, { A: '1' })).toEqual({ A: '1' });
  });
});
