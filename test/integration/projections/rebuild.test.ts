import { contracts } from '../../support/contracts';
import type { Checkpoint } from '../../../src/eventstore';
import { createProjectionDaemon, defineProjection, projectionStatus, rebuildProjection, type Projection } from '../../../src/projections';
import { orderSummary } from '../../../processes/orderFulfillment/readModels/orderSummary';
import { readModel, readModels } from '../../support/readModels';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { catchUp } from '../../support/projections';
import { appendOrders, referenceOf, rowsOf } from '../../support/rebuilds';
import { waitFor } from '../../support/waitFor';

/** Each read model's base table and its key, to compare rows. */
const TABLES: Array<{ projection: Projection; table: string; key: string }> = [
  { projection: readModel('order_summary'), table: 'order_summary', key: 'order_id' },
  { projection: readModel('order_timeline'), table: 'order_timeline', key: 'order_id, stream_version' },
  { projection: readModel('saga_outcomes'), table: 'saga_runs', key: 'stream_id' },
  { projection: readModel('inventory_levels'), table: 'inventory_order_lines', key: 'order_id, sku' },
];

describe('rebuilding a projection', () => {
  const db = useTestDatabase();

  beforeAll(async () => {
    await appendOrders(testEventStore(db), 300);
    await catchUp(db.pool, [...readModels, ...readModels.map(referenceOf)]);
  });

  it.each(TABLES.map((entry) => [entry.projection.name, entry] as const))('%s: a rebuild of the active version gives the rows the batches built', async (_name, { projection, table, key }) => {
    const before = await rowsOf(db.pool, table, key);
    expect(before.length).toBeGreaterThan(200);
    const report = await rebuildProjection(db.pool, projection, { contracts, partitions: 3, batchSize: 97 });
    expect(report).toMatchObject({ mode: 'replace', resumed: false, oldTablesDropped: true, validation: { equal: true } });
    expect(report.fold.sqlPartitions).toEqual(projection.foldInSql ? [0, 1, 2] : []);
    expect(await rowsOf(db.pool, table, key)).toEqual(before);
    expect(await rowsOf(db.pool, table, key)).toEqual(await rowsOf(db.pool, `reference_${table}`, key));
  });

  /** The order events in the log up to a checkpoint, counted afresh. */
  async function eventsUpTo(at: Checkpoint): Promise<number> {
    const { rows } = await db.pool.query<{ n: string }>(
      `select count(*) as n from events where (transaction_id, global_position) <= ($1::text::xid8, $2::bigint) and event_type = any($3::text[])`,
      [at.transactionId, at.globalPosition, [...orderSummary.eventTypes]],
    );
    return Number(rows[0]!.n);
  }

  it('a rebuild while orders keep coming and the worker keeps applying ends equal to the batch-built tables', async () => {
    const store = testEventStore(db);
    const nextVersion = defineProjection({ ...orderSummary, version: orderSummary.version + 1 });
    const daemon = (projections: Projection[]) =>
      createProjectionDaemon({ pool: db.pool, connectionString: db.url, contracts, projections, pollIntervalMs: 50, batchSize: 50 });
    const old = daemon([orderSummary]);
    await old.start();
    let appending = true;
    const appends = (async () => {
      while (appending) await appendOrders(store, 6);
    })();
    try {
      const replaced = await rebuildProjection(db.pool, orderSummary, { contracts, partitions: 4, batchSize: 64 });
      expect(replaced).toMatchObject({ mode: 'replace', validation: { equal: true } });
      expect(replaced.events).toBe(await eventsUpTo(replaced.checkpoint));
      const upgraded = await rebuildProjection(db.pool, nextVersion, { contracts, partitions: 4, batchSize: 64 });
      expect(upgraded).toMatchObject({ mode: 'new-version', previousVersion: orderSummary.version, oldTablesDropped: true, validation: { equal: true } });
      expect(upgraded.events).toBe(await eventsUpTo(upgraded.checkpoint));
    } finally {
      appending = false;
      await appends;
      await old.stop();
    }
    // The deployment of the next version: its worker carries on from where the rebuild swapped it in.
    const next = daemon([nextVersion]);
    await next.start();
    try {
      await waitFor(async () => (await projectionStatus(db.pool)).find((s) => s.name === 'order_summary')?.lagEvents === 0, 30_000);
    } finally {
      await next.stop();
    }
    await catchUp(db.pool, [referenceOf(orderSummary)]);
    const status = (await projectionStatus(db.pool)).filter((s) => s.name === 'order_summary');
    expect(status.map((s) => [s.version, s.active, s.status])).toEqual([[nextVersion.version, true, 'running']]);
    expect(await rowsOf(db.pool, 'order_summary', 'order_id')).toEqual(await rowsOf(db.pool, 'reference_order_summary', 'order_id'));
    const { rows } = await db.pool.query(`select relname from pg_class where relname like 'order_summary_v%' and relkind = 'r' order by 1`);
    expect(rows).toEqual([{ relname: `order_summary_v${nextVersion.version}` }]);
  }, 120_000);
});
