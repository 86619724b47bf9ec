import pg from 'pg';
import { withDatabase } from '../../src/infra/postgres';

/** One empty database per subject, so no store sees another's tables, indexes or bloat. */
export async function createFreshDatabase(admin: pg.Pool, serverUrl: string, name: string): Promise<string> {
  const ident = pg.escapeIdentifier(name);
  // A run killed before its cleanup leaves its database behind; start from nothing regardless.
  await admin.query(`drop database if exists ${ident} with (force)`);
  await admin.query(`create database ${ident}`);
  return withDatabase(serverUrl, name);
}

export async function dropDatabase(admin: pg.Pool, name: string): Promise<void> {
  await admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
}

/**
 * Flushes dirty pages before a measurement, so a subject does not pay for the checkpoint its
 * predecessor's writes would otherwise trigger mid-run. Needs superuser or pg_checkpoint; without
 * them it is skipped, with a note.
 */
export function checkpointer(admin: pg.Pool, log: (line: string) => void): () => Promise<void> {
  let allowed = true;
  return async () => {
    if (!allowed) return;
    try {
      await admin.query('checkpoint');
    } catch (error) {
      allowed = false;
      log(`checkpoint before each measurement skipped: ${(error as Error).message}`);
    }
  };
}
