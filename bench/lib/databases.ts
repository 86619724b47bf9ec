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

/** How long a measurement waits for autovacuum to finish before it starts anyway. */
const AUTOVACUUM_WAIT_MS = 60_000;

/**
 * Settles the server before a measurement, so a subject does not pay for work its predecessor
 * left: waits for autovacuum workers to finish (the one after a bulk row vacuums and analyses
 * another subject's fresh table on the same cores) and flushes dirty pages, which would otherwise
 * make a checkpoint mid-run. The checkpoint needs superuser or pg_checkpoint; without them it is
 * skipped, with a note.
 */
export function settler(admin: pg.Pool, log: (line: string) => void): () => Promise<void> {
  let checkpointAllowed = true;
  return async () => {
    const deadline = Date.now() + AUTOVACUUM_WAIT_MS;
    for (;;) {
      const { rows } = await admin.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker'`);
      if (rows[0]!.n === 0) break;
      if (Date.now() > deadline) {
        log(`autovacuum still running after ${AUTOVACUUM_WAIT_MS / 1000} s: measuring anyway`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!checkpointAllowed) return;
    try {
      await admin.query('checkpoint');
    } catch (error) {
      checkpointAllowed = false;
      log(`checkpoint before each measurement skipped: ${(error as Error).message}`);
    }
  };
}
