import { START } from '../../../src/eventstore';
import { applyBatch, readCheckpoint } from '../../../src/projections';
import { readModels } from '../../support/readModels';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { appendOrder, type OrderScenario } from '../../support/orderScenarios';
import { allEvents, catchUp, snapshotOf } from '../../support/projections';

describe('replaying events into the read models', () => {
  const db = useTestDatabase();
  const relations = (projection: (typeof readModels)[number]) => Object.values(projection.tableNames);

  beforeAll(async () => {
    const store = testEventStore(db);
    const scenarios: OrderScenario[] = ['completed', 'completed', 'declined', 'captureFailed', 'compensationResolved', 'outOfStock'];
    for (const scenario of scenarios) await appendOrder(store, scenario);
    await catchUp(db.pool, readModels, 5);
  });

  it.each(readModels.map((projection) => [projection.name, projection] as const))('%s: applying the same batch again changes nothing', async (_name, projection) => {
    const before = await Promise.all(relations(projection).map((relation) => snapshotOf(db.pool, relation)));
    const events = await allEvents(db.pool, projection.eventTypes);
    expect(events.length).toBeGreaterThan(0);

    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await projection.apply(events, client, projection.tableNames);
      await projection.apply(events.slice(3, 9), client, projection.tableNames);
      await client.query('commit');
    } finally {
      client.release();
    }

    expect(await Promise.all(relations(projection).map((relation) => snapshotOf(db.pool, relation)))).toEqual(before);
  });

  it('a checkpoint rewound to the start replays the whole log through the engine and changes no row', async () => {
    const before = await Promise.all(readModels.flatMap(relations).map((relation) => snapshotOf(db.pool, relation)));
    for (const projection of readModels) {
      const state = await readCheckpoint(db.pool, projection.name, projection.version);
      const events = await allEvents(db.pool, projection.eventTypes);
      await db.pool.query(`update projection_checkpoints set transaction_id = '0', global_position = 0 where name = $1`, [projection.name]);
      const result = await applyBatch(db.pool, projection, { from: START, events, to: state!.checkpoint });
      expect(result).toMatchObject({ applied: true, events: events.length });
    }
    expect(await Promise.all(readModels.flatMap(relations).map((relation) => snapshotOf(db.pool, relation)))).toEqual(before);
  });
});
