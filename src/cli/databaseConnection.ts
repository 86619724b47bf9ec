import type pg from 'pg';
import { createPool } from '../config/connections';
import type { SagaflowConfig } from '../config/env';
import { stateDir } from '../infra/paths';
import { redactUrl, runningPostgresUrl } from '../infra/postgres';
import { CliError } from './errors';

/**
 * Runs `work` with a pool on DATABASE_URL, or else on the local dev stack's PostgreSQL when it is
 * running, and closes the pool after it. The first query proves the connection, so a database that
 * does not answer is one clear line.
 */
export async function withDatabase<T>(config: SagaflowConfig, work: (pool: pg.Pool) => Promise<T>, { maxConnections = 2 }: { maxConnections?: number } = {}): Promise<T> {
  // Never started from here: an operator command must not bring up a database of its own.
  const url = config.databaseUrl ?? runningPostgresUrl(stateDir('dev', 'postgres'));
  if (!url) throw new CliError('no PostgreSQL to talk to: set DATABASE_URL, or start the local stack with `npm run dev`');
  const pool = createPool(url, config, { max: maxConnections, connectionTimeoutMillis: 5_000, application_name: 'sagaflow cli' });
  pool.on('error', () => undefined); // a dropped idle connection fails the next query, which reports it
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
