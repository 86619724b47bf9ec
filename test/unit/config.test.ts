import { ConfigError, loadConfig, loadProjectionWorkerConfig } from '../../src/config/env';

describe('loadConfig', () => {
  it('defaults to a local stack: no external services, namespace default, task queue sagaflow', () => {
    expect(loadConfig({})).toEqual({ namespace: 'default', taskQueue: 'sagaflow' });
  });

  it('takes external services from the environment, treating blank values as unset', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://app:secret@db.internal:5432/orders?sslmode=require',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'payments',
      SAGAFLOW_TASK_QUEUE: ' ',
    });
    expect(config).toEqual({
      databaseUrl: 'postgresql://app:secret@db.internal:5432/orders?sslmode=require',
      temporalAddress: 'temporal.internal:7233',
      namespace: 'payments',
      taskQueue: 'sagaflow',
    });
  });

  it('names every invalid variable with its rule', () => {
    const attempt = () => loadConfig({ DATABASE_URL: 'mysql://localhost/db', TEMPORAL_ADDRESS: 'http://localhost:7233' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ connection string/);
    expect(attempt).toThrow(/TEMPORAL_ADDRESS: must be host:port/);
  });
});

describe('loadProjectionWorkerConfig', () => {
  it('defaults: metrics on 9464, batches of 500, a poll every second', () => {
    expect(loadProjectionWorkerConfig({})).toEqual({ metricsPort: 9464, batchSize: 500, pollIntervalMs: 1_000 });
  });

  it('names every invalid variable with its rule', () => {
    const attempt = () => loadProjectionWorkerConfig({ SAGAFLOW_METRICS_PORT: '70000', SAGAFLOW_PROJECTION_POLL_MS: '5' });
    expect(attempt).toThrow(/SAGAFLOW_METRICS_PORT: must be at most 65535/);
    expect(attempt).toThrow(/SAGAFLOW_PROJECTION_POLL_MS: must be at least 10/);
  });
});
