import { randomUUID } from 'node:crypto';
import { compareCheckpoints, START, type Checkpoint, type StoredEvent } from '../../../src/eventstore';
import { useTestDatabase } from '../../support/database';
import { inventoryReserved, orderCompleted, orderPlaced, testEventStore } from '../../support/eventStore';

describe('reads', () => {
  const db = useTestDatabase();

  it('reads a version range of a stream, and an unknown stream as empty', async () => {
    const store = testEventStore(db);
    const orderId = randomUUID();
    const streamId = `Order-${orderId}`;
    await store.append(streamId, [orderPlaced(orderId), inventoryReserved(orderId), orderCompleted(orderId)], { expectedVersion: 'no_stream' });

    expect((await store.readStream(streamId, { fromVersion: 2 })).map((e) => e.version)).toEqual([2, 3]);
    expect((await store.readStream(streamId, { fromVersion: 1, toVersion: 2 })).map((e) => e.type)).toEqual(['OrderPlaced', 'InventoryReserved']);
    expect(await store.readStream('Order-nothing-here')).toEqual([]);
  });

  it('hands out a stored OrderPlaced v1 in the v2 shape, converting dollars to cents, without rewriting the row', async () => {
    const store = testEventStore(db);
    const orderId = randomUUID();
    const streamId = `Order-${orderId}`;
    // A row as the v1 writer stored it: total in dollars, as a decimal.
    const v1 = { orderId, customerId: 'cust-7', items: [{ sku: 'mug', quantity: 3 }], total: 1.005 };
    await db.pool.query(`select * from sagaflow_append_events($1, 'Order', 'no_stream', null, $2, $3, $4, $5, $6, false)`, [
      streamId,
      [randomUUID()],
      ['OrderPlaced'],
      [1],
      [JSON.stringify(v1)],
      ['{}'],
    ]);

    const [event] = await store.readStream(streamId);

    expect(event).toMatchObject({
      type: 'OrderPlaced',
      schemaVersion: 2,
      storedSchemaVersion: 1,
      data: { orderId, customerId: 'cust-7', items: [{ sku: 'mug', quantity: 3 }], totalCents: 101, currency: 'USD' },
    });
    const { rows } = await db.pool.query('select schema_version, data from events where stream_id = $1', [streamId]);
    expect(rows).toEqual([{ schema_version: 1, data: v1 }]);
    const page = await store.readAll({ eventTypes: ['OrderPlaced'], limit: 10_000 });
    expect(page.events.find((e) => e.streamId === streamId)?.data).toMatchObject({ totalCents: 101 });
  });

  it('pages through the whole log in global order, each event once, filtering by type on request', async () => {
    const store = testEventStore(db);
    const streams: string[] = Array.from({ length: 5 }, () => randomUUID());
    for (const orderId of streams) {
      await store.append(`Order-${orderId}`, [orderPlaced(orderId), inventoryReserved(orderId)], { expectedVersion: 'no_stream' });
    }
    for (const orderId of streams) await store.append(`Order-${orderId}`, [orderCompleted(orderId)], { expectedVersion: 2 });

    const seen: StoredEvent[] = [];
    let after: Checkpoint = START;
    for (;;) {
      const page = await store.readAll({ after, limit: 3 });
      if (page.events.length === 0) break;
      seen.push(...page.events);
      after = page.checkpoint;
    }
    const total = Number((await db.pool.query<{ n: string }>('select count(*) as n from events')).rows[0]!.n);
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((e) => e.eventId)).size).toBe(total);
    for (let i = 1; i < seen.length; i++) expect(compareCheckpoints(seen[i - 1]!, seen[i]!)).toBeLessThan(0);

    const completed = await store.readAll({ eventTypes: ['OrderCompleted'], limit: 1000 });
    expect(completed.events.filter((e) => streams.includes((e.data as { orderId: string }).orderId))).toHaveLength(5);
    expect(completed.events.every((e) => e.type === 'OrderCompleted')).toBe(true);
  });

  it('returns the same checkpoint when nothing is new', async () => {
    const store = testEventStore(db);
    const everything = await store.readAll({ limit: 100_000 });
    const again = await store.readAll({ after: everything.checkpoint });
    expect(again).toEqual({ events: [], checkpoint: everything.checkpoint });
  });
});
