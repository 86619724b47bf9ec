import { readAll, START, type StoredEvent } from '../../../src/eventstore';
import { rebuildProjection, type Projection } from '../../../src/projections';
import { archiveClosedStreams } from '../../../src/retention/archiveClosedStreams';
import { composition } from '../../../processes';
import { contracts } from '../../support/contracts';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { catchUp } from '../../support/projections';
import { readModel, readModels } from '../../support/readModels';
import { appendOrders, rowsOf } from '../../support/rebuilds';

const TABLES: Array<{ projection: Projection; table: string; key: string }> = [
  { projection: readModel('order_summary'), table: 'order_summary', key: 'order_id' },
  { projection: readModel('order_timeline'), table: 'order_timeline', key: 'order_id, stream_version' },
  { projection: readModel('saga_outcomes'), table: 'saga_runs', key: 'stream_id' },
  { projection: readModel('inventory_levels'), table: 'inventory_order_lines', key: 'order_id, sku' },
];

/** The whole log from the start, in global order, a page at a time. */
async function wholeLog(pool: import('pg').Pool): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let after = START; ; ) {
    const page = await readAll(pool, contracts, { after, limit: 37 });
    if (page.events.length === 0) return events;
    events.push(...page.events);
    after = page.checkpoint;
  }
}

describe('projections after archiving', () => {
  const db = useTestDatabase();
  const before: Record<string, unknown[]> = {};
  let logBefore: StoredEvent[];

  beforeAll(async () => {
    // Every outcome, streams appended in two parts, so archived and live events interleave in the global order.
    await appendOrders(testEventStore(db), 120);
    await catchUp(db.pool, readModels);
    for (const { table, key } of TABLES) before[table] = await rowsOf(db.pool, table, key);
    logBefore = await wholeLog(db.pool);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const summary = await archiveClosedStreams(db.pool, composition.retention, { olderThanMs: 1, batchSize: 17 });
    expect(summary.streams).toBe(120);
  });

  it('readAll from the start reads the archived events in the same global order, once each', async () => {
    const { rows } = await db.pool.query<{ n: string }>('select count(*) as n from events');
    expect(Number(rows[0]!.n)).toBe(0);
    expect(await wholeLog(db.pool)).toEqual(logBefore);
  });

  it.each(TABLES.map((entry) => [entry.projection.name, entry] as const))('%s: a rebuild from position 0 gives the tables it had before archiving', async (_name, { projection, table, key }) => {
    expect(before[table]!.length).toBeGreaterThan(50);
    const report = await rebuildProjection(db.pool, projection, { contracts, partitions: 3, batchSize: 53 });
    expect(report).toMatchObject({ mode: 'replace', validation: { equal: true } });
    expect(await rowsOf(db.pool, table, key)).toEqual(before[table]);
  });
});
