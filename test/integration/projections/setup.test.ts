import { randomUUID } from 'node:crypto';
import { ProjectionSetupChangedError, defineProjection, projectionStatus, setupProjection, type ProjectionDefinition } from '../../../src/projections';
import { useTestDatabase } from '../../support/database';
import { orderPlaced, testEventStore } from '../../support/eventStore';
import { catchUp } from '../../support/projections';

const customers = (version: number, column = 'orders'): ProjectionDefinition<'customers'> => ({
  name: 'customers',
  version,
  eventTypes: ['OrderPlaced'],
  tables: ['customers'],
  setup: (t) => `create table ${t.customers} (order_id text primary key, ${column} integer not null)`,
  apply: async (events, tx, t) => {
    for (const event of events) await tx.query(`insert into ${t.customers} values ($1, ${version}) on conflict do nothing`, [(event.data as { orderId: string }).orderId]);
  },
});

describe('deploying projection versions', () => {
  const db = useTestDatabase();

  it('runs the setup DDL once and makes the first version the one readers see', async () => {
    expect(await setupProjection(db.pool, defineProjection(customers(1)))).toEqual({ created: true, activeVersion: 1 });
    expect(await setupProjection(db.pool, defineProjection(customers(1)))).toEqual({ created: false, activeVersion: 1 });
  });

  it('refuses a version whose DDL changed since its tables were built', async () => {
    await expect(setupProjection(db.pool, defineProjection(customers(1, 'order_count')))).rejects.toThrow(ProjectionSetupChangedError);
    await expect(setupProjection(db.pool, defineProjection(customers(1, 'order_count')))).rejects.toThrow(/deploy the change as version 2/);
  });

  it('builds a new version beside the active one, with its own checkpoint, while readers keep the old', async () => {
    const orderId = randomUUID();
    await testEventStore(db).append(`Order-${orderId}`, [orderPlaced(orderId)], { expectedVersion: 'no_stream' });
    await catchUp(db.pool, [defineProjection(customers(1)), defineProjection(customers(2, 'order_count'))]);

    expect(await setupProjection(db.pool, defineProjection(customers(2, 'order_count')))).toEqual({ created: false, activeVersion: 1 });
    expect((await db.pool.query('select * from customers')).rows).toEqual([{ order_id: orderId, orders: 1 }]);
    expect((await db.pool.query('select * from customers_v2')).rows).toEqual([{ order_id: orderId, order_count: 2 }]);
    const status = (await projectionStatus(db.pool)).filter((s) => s.name === 'customers');
    expect(status.map((s) => [s.version, s.active, s.eventsApplied, s.lagEvents])).toEqual([
      [1, true, 1, 0],
      [2, false, 1, 0],
    ]);
  });
});
