import { setTimeout as sleep } from 'node:timers/promises';
import { withTransaction } from '../../../src/projections/transaction';
import { useTestDatabase } from '../../support/database';

describe('withTransaction when PostgreSQL ends its session mid-transaction', () => {
  const db = useTestDatabase();

  it('fails the transaction with the lost connection instead of crashing the process, and discards it', async () => {
    let backend = 0;
    const run = withTransaction(db.pool, async (tx) => {
      backend = (await tx.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      // Ended from outside while this connection sits idle between two queries: node-postgres
      // emits 'error' on the checked-out client, which nothing but withTransaction listens to.
      await db.pool.query('select pg_terminate_backend($1)', [backend]);
      await sleep(300);
      await tx.query('select 1');
    });

    await expect(run).rejects.toThrow();
    const { rows } = await db.pool.query<{ pid: number }>('select pg_backend_pid() as pid');
    expect(rows[0]!.pid).not.toBe(backend);
  });
});
