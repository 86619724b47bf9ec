import path from 'node:path';
import { postgresConnection, type DatabaseSettings } from '../config/connections';
import { repoRoot } from '../infra/paths';
import { redactUrl } from '../infra/postgres';

export const MIGRATIONS_DIR = path.join(repoRoot, 'src', 'db', 'migrations');
export const MIGRATIONS_TABLE = 'sagaflow_migrations';

export interface MigrationReport {
  applied: string[];
}

/**
 * Brings the database to the newest schema. Safe to call from every process at start-up: the runner
 * takes an advisory lock (later callers wait, then find nothing to do) and applies all pending
 * migrations in one transaction, recording each in sagaflow_migrations.
 */
export async function migrate(databaseUrl: string, log: (line: string) => void = () => undefined, ssl: DatabaseSettings = {}): Promise<MigrationReport> {
  // node-pg-migrate ships as an ES module only; a dynamic import loads it from this CommonJS build.
  const { runner } = await import('node-pg-migrate');
  try {
    const ran = await runner({
      databaseUrl: postgresConnection(databaseUrl, ssl),
      dir: MIGRATIONS_DIR,
      migrationsTable: MIGRATIONS_TABLE,
      direction: 'up',
      checkOrder: true,
      singleTransaction: true,
      advisoryLockMode: 'wait',
      log: () => undefined,
      logger: { debug: () => undefined, info: () => undefined, warn: log, error: log },
    });
    const applied = ran.map((m) => m.name);
    if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
    return { applied };
  } catch (error) {
    throw new Error(`migrating ${redactUrl(databaseUrl)} failed: ${(error as Error).message}`, { cause: error });
  }
}
