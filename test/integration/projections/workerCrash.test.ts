import { projectionStatus } from '../../../src/projections';
import { readModels } from '../../support/readModels';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { appendOrder, ORDER_LINE, type OrderScenario } from '../../support/orderScenarios';
import { spawnProjectionWorker, type ProjectionWorkerProcess } from '../../support/projectionWorkerProcess';
import { applicationCounter, applications, eventIds } from '../../support/projections';
import { waitFor } from '../../support/waitFor';

describe('a projection worker SIGKILLed between its read-table writes and its checkpoint', () => {
  const db = useTestDatabase();
  const workers: ProjectionWorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
  });

  it('loses nothing and counts nothing twice once another worker takes over', async () => {
    const store = testEventStore(db);
    const scenarios: OrderScenario[] = ['completed', 'declined', 'captureFailed', 'compensationResolved', 'outOfStock'];
    for (let i = 0; i < 4; i++) for (const scenario of scenarios) await appendOrder(store, scenario);

    // Small batches: the counter's first batch commits, the second dies after its writes.
    const crashing = await spawnProjectionWorker(db.url, { CRASH_IN: applicationCounter.name, CRASH_AT_BATCH: '2', BATCH_SIZE: '7' });
    workers.push(crashing);
    expect(await crashing.exited).toBe('SIGKILL');
    const afterCrash = (await projectionStatus(db.pool)).find((s) => s.name === applicationCounter.name)!;
    expect(afterCrash.eventsApplied).toBe(7);

    workers.push(await spawnProjectionWorker(db.url, { BATCH_SIZE: '7' }));
    await waitFor(async () => (await projectionStatus(db.pool)).every((s) => s.lagEvents === 0), 30_000);

    const counted = await applications(db.pool);
    const expected = await eventIds(db.pool, applicationCounter.eventTypes);
    expect([...counted.keys()].sort()).toEqual([...expected].sort());
    expect([...counted.values()].filter((times) => times !== 1)).toEqual([]);

    const outcomes = await db.pool.query<{ outcome: string; n: number }>('select outcome, sum(sagas)::int as n from saga_outcomes group by outcome order by outcome');
    expect(outcomes.rows).toEqual([
      { outcome: 'COMPENSATED', n: 12 },
      { outcome: 'COMPENSATION_FAILED', n: 4 },
      { outcome: 'COMPLETED', n: 4 },
    ]);
    const levels = await db.pool.query('select reserved, released from inventory_levels');
    expect(levels.rows).toEqual([{ reserved: String(16 * ORDER_LINE.quantity), released: String(12 * ORDER_LINE.quantity) }]);
    const timeline = await db.pool.query<{ n: number }>('select count(*)::int as n from order_timeline');
    expect(timeline.rows[0]!.n).toBe((await eventIds(db.pool, readModels[1]!.eventTypes)).length);
  }, 60_000);
});
