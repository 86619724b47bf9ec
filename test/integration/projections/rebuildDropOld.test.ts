import { contracts } from '../../support/contracts';
import { defineProjection, rebuildProjection } from '../../../src/projections';
import { CHECKPOINTS_TABLE } from '../../../src/projections/tables';
import { orderSummary } from '../../../processes/orderFulfillment/readModels/orderSummary';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { catchUp } from '../../support/projections';
import { appendOrders } from '../../support/rebuilds';
import { waitFor } from '../../support/waitFor';

describe('dropping the version a rebuild replaced', () => {
  const db = useTestDatabase();

  beforeAll(async () => {
    await appendOrders(testEventStore(db), 60);
    await catchUp(db.pool, [orderSummary]);
  });

  it('waits for a batch of the old version still in flight instead of deadlocking with it', async () => {
    const worker = await db.pool.connect();
    try {
      // A batch of a worker still running the old version, taking its locks in the order applyBatch does: the checkpoint row first…
      await worker.query('begin');
      await worker.query(`select 1 from ${CHECKPOINTS_TABLE} where name = $1 and version = $2 for update`, [orderSummary.name, orderSummary.version]);
      const rebuilt = rebuildProjection(db.pool, defineProjection({ ...orderSummary, version: orderSummary.version + 1 }), { contracts, partitions: 2 });
      const waiting = async () => (await db.pool.query<{ n: number }>(`select count(*)::int as n from pg_locks where not granted`)).rows[0]!.n > 0;
      await waitFor(waiting, 30_000);
      // …then its tables, while the rebuild waits to drop them.
      await worker.query(`update ${orderSummary.tableNames.order_summary} set updated_at = updated_at where order_id = (select min(order_id) from ${orderSummary.tableNames.order_summary})`);
      await worker.query('commit');
      expect(await rebuilt).toMatchObject({ mode: 'new-version', previousVersion: orderSummary.version, oldTablesDropped: true, validation: { equal: true } });
    } finally {
      worker.release();
    }
    const { rows } = await db.pool.query(`select version from ${CHECKPOINTS_TABLE} where name = $1`, [orderSummary.name]);
    expect(rows).toEqual([{ version: orderSummary.version + 1 }]);
  });
});
