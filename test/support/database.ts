import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPool } from '../../src/config/connections';
import { withDatabase } from '../../src/infra/postgres';
import { testEnv } from './env';

export interface TestDatabase {
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** A fresh, fully migrated database for one test file, cloned from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = testEnv('postgresAdminUrl');
  const name = `sagaflow_test_${randomUUID().replace(/-/g, '')}`;
  await adminQuery(adminUrl, `create database ${name} template ${testEnv('templateDatabase')}`);
  const url = withDatabase(adminUrl, name);
  const pool = createPool(url, {}, { max: 10 });
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * One fresh database for the calling test file: created before its first test, dropped after its
 * last. The returned object is filled in by `beforeAll`, so use it inside tests and hooks only.
 */
export function useTestDatabase(): TestDatabase {
  const holder = {} as TestDatabase;
  beforeAll(async () => {
    Object.assign(holder, await createTestDatabase());
  });
  afterAll(async () => {
    await holder.drop?.();
  });
  return holder;
}
