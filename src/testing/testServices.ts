import pg from 'pg';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { loadConfig } from '../config/env';
import { migrate } from '../db/migrate';
import { startLocalServices } from '../infra/localServices';
import { withDatabase } from '../infra/postgres';

/** The services an app's tests run its sagas against. */
export interface TestServices {
  /** A migrated database of its own, for this run. */
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  /** Stops what was started (an external DATABASE_URL or TEMPORAL_ADDRESS is left running). */
  stop(): Promise<void>;
}

export interface TestServicesOptions {
  /** The composition under test: its search attributes are registered with the namespace. */
  composition: { searchAttributes: readonly SearchAttributeKey<SearchAttributeType>[] };
  /** The database created (dropped first if it exists) and migrated for the run; `sagaflow_test` by default. */
  database?: string;
  log?: (line: string) => void;
}

/**
 * Starts what an app's tests need, the way this repository's own tests start it: an embedded
 * PostgreSQL (fsync off) under `.sagaflow/test` of the app and an in-memory Temporal dev server on
 * free ports, or DATABASE_URL and TEMPORAL_ADDRESS when they are set; then a fresh database,
 * migrated to the engine's schema.
 */
export async function startTestServices({ composition, database = 'sagaflow_test', log }: TestServicesOptions): Promise<TestServices> {
  const services = await startLocalServices({ profile: 'test', config: loadConfig(), searchAttributes: composition.searchAttributes, ...(log ? { log } : {}) });
  try {
    const admin = new pg.Client({ connectionString: withDatabase(services.postgres.url, 'postgres') });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${pg.escapeIdentifier(database)} with (force)`);
      await admin.query(`create database ${pg.escapeIdentifier(database)}`);
    } finally {
      await admin.end();
    }
    const databaseUrl = withDatabase(services.postgres.url, database);
    await migrate(databaseUrl, log);
    return { databaseUrl, temporalAddress: services.temporal.address, namespace: services.temporal.namespace, stop: () => services.stop() };
  } catch (error) {
    await services.stop();
    throw error;
  }
}
