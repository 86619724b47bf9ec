import type pg from 'pg';
import { createPool } from '../config/connections';
import type { SagaflowConfig } from '../config/env';
import { stateDir } from '../infra/paths';
import { redactUrl, runningEmbeddedPostgresUrl } from '../infra/postgres';
import { CliError } from './errors';

/**
 * Runs `work` with a pool on DATABASE_URL, or else on the local dev stack's PostgreSQL when it is
 * running, and closes the pool after it. The first query proves the connection, so a database that
 * does not answer is one clear line.
 */
export async function withDatabase<T>(config: SagaflowConfig, work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const url = config.databaseUrl ?? runningEmbeddedPostgresUrl(stateDir('dev', 'postgres'));
  if (!url) throw new CliError('no PostgreSQL to talk to: set DATABASE_URL, or start the local stack with `npm run dev`');
  const pool = createPool(url, config, { max: 2, connectionTimeoutMillis: 5_000, application_name: 'sagaflow cli' });
  try {
    try {
      await pool.query('select 1');
    } catch (error) {
      throw new CliError(`cannot reach PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}`);
    }
    return await work(pool);
  } finally {
    await pool.end();
  }
}
