import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Operation } from '../../../src/adapters';
import type { TestDatabase } from '../../support/database';

/**
 * Runs calls that share an idempotency key so that they truly overlap: another transaction holds the
 * key's ledger row until every pool connection waits for it, then lets go. Without this, the first
 * call often finishes before the others start, and a race test passes whether or not it is safe.
 */
export async function raceOneKey<T>(db: TestDatabase, operation: Operation, idempotencyKey: string, calls: () => Promise<T>[]): Promise<T[]> {
  const blocker = new pg.Client({ connectionString: db.url });
  await blocker.connect();
  try {
    await blocker.query('begin');
    await blocker.query(`insert into sim_calls (operation, idempotency_key, request, attempts) values ($1, $2, 'null', 1)`, [operation, idempotencyKey]);
    const started = calls();
    const all = Promise.all(started);
    let settled = false;
    all.then(
      () => (settled = true),
      () => (settled = true),
    );
    const connections = Math.min(started.length, db.pool.options.max ?? 10);
    while (!settled && (await lockWaiters(blocker)) < connections) await sleep(5);
    await blocker.query('rollback');
    return await all;
  } finally {
    await blocker.end();
  }
}

async function lockWaiters(client: pg.Client): Promise<number> {
  // Statistics views are read once per transaction unless told otherwise, and this one is in a transaction.
  await client.query('select pg_stat_clear_snapshot()');
  const { rows } = await client.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
  );
  return rows[0]!.n;
}
