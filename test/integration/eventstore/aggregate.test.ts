import { randomUUID } from 'node:crypto';
import type { SnapshotPolicy, StoredEvent } from '../../../src/eventstore';
import { useTestDatabase } from '../../support/database';
import { inventoryReserved, orderCompleted, orderPlaced, testEventStore } from '../../support/eventStore';

interface OrderState {
  status: 'none' | 'placed' | 'reserved' | 'completed';
  folded: number;
}
const initial = (): OrderState => ({ status: 'none', folded: 0 });
const evolve = (state: OrderState, event: StoredEvent): OrderState => {
  const status = ({ OrderPlaced: 'placed', InventoryReserved: 'reserved', OrderCompleted: 'completed' } as const)[event.type as 'OrderPlaced'];
  return { status: status ?? state.status, folded: state.folded + 1 };
};

describe('aggregateStream', () => {
  const db = useTestDatabase();

  it('folds the whole stream, or the state as of a version or a moment in time', async () => {
    const store = testEventStore(db);
    const orderId = randomUUID();
    const streamId = `Order-${orderId}`;
    await store.append(streamId, [orderPlaced(orderId)], { expectedVersion: 'no_stream' });
    await store.append(streamId, [inventoryReserved(orderId)], { expectedVersion: 1 });
    // Back-date the first two events as a superuser would have to: the trigger forbids it otherwise.
    await db.pool.query(`set session_replication_role = replica`);
    await db.pool.query(`update events set created_at = '2026-01-01T13:00:00Z' where stream_id = $1`, [streamId]);
    await db.pool.query(`set session_replication_role = origin`);
    await store.append(streamId, [orderCompleted(orderId)], { expectedVersion: 2 });

    expect(await store.aggregateStream(streamId, evolve, initial)).toEqual({ state: { status: 'completed', folded: 3 }, version: 3 });
    expect(await store.aggregateStream(streamId, evolve, initial, { asOfVersion: 1 })).toEqual({ state: { status: 'placed', folded: 1 }, version: 1 });
    expect(await store.aggregateStream(streamId, evolve, initial, { asOfTime: new Date('2026-01-01T14:00:00Z') })).toEqual({
      state: { status: 'reserved', folded: 2 },
      version: 2,
    });
    expect(await store.aggregateStream(streamId, evolve, initial, { asOfTime: new Date('2025-12-31T00:00:00Z') })).toEqual({ state: initial(), version: 0 });
  });

  it('takes a snapshot every N events and folds only what came after it', async () => {
    const store = testEventStore(db);
    const orderId = randomUUID();
    const streamId = `Order-${orderId}`;
    await store.append(streamId, [orderPlaced(orderId), ...Array.from({ length: 9 }, () => orderCompleted(orderId))], { expectedVersion: 'no_stream' });
    const policy: SnapshotPolicy<OrderState> = { name: 'order-status', formatVersion: 1, every: 5 };

    const first = await store.aggregateStream(streamId, evolve, initial, { snapshot: policy });
    expect(first).toEqual({ state: { status: 'completed', folded: 10 }, version: 10 });
    const { rows } = await db.pool.query('select version, format_version from stream_snapshots where stream_id = $1', [streamId]);
    expect(rows).toEqual([{ version: '10', format_version: 1 }]);

    await store.append(streamId, [orderCompleted(orderId)], { expectedVersion: 10 });
    // `folded` counts what this call folded on top of the snapshot's state: 10 from the snapshot + 1 new.
    expect(await store.aggregateStream(streamId, evolve, initial, { snapshot: policy })).toEqual({ state: { status: 'completed', folded: 11 }, version: 11 });
  });

  it('ignores a snapshot of another format version instead of trusting it', async () => {
    const store = testEventStore(db);
    const orderId = randomUUID();
    const streamId = `Order-${orderId}`;
    await store.append(streamId, [orderPlaced(orderId), orderCompleted(orderId)], { expectedVersion: 'no_stream' });
    await db.pool.query(
      `insert into stream_snapshots (stream_id, name, format_version, version, state) values ($1, 'order-status', 1, 2, '{"status":"bogus","folded":999}')`,
      [streamId],
    );

    const v2: SnapshotPolicy<OrderState> = { name: 'order-status', formatVersion: 2, every: 100 };
    expect(await store.aggregateStream(streamId, evolve, initial, { snapshot: v2 })).toEqual({ state: { status: 'completed', folded: 2 }, version: 2 });
    const v1: SnapshotPolicy<OrderState> = { ...v2, formatVersion: 1 };
    expect((await store.aggregateStream(streamId, evolve, initial, { snapshot: v1 })).state.folded).toBe(999);
  });

  it('uses a snapshot for an as-of query only when it is not newer than the requested version', async () => {
    const store = testEventStore(db);
    const orderId = randomUUID();
    const streamId = `Order-${orderId}`;
    await store.append(streamId, [orderPlaced(orderId), inventoryReserved(orderId), orderCompleted(orderId)], { expectedVersion: 'no_stream' });
    const policy: SnapshotPolicy<OrderState> = { name: 'order-status', formatVersion: 1, every: 1 };
    await store.aggregateStream(streamId, evolve, initial, { snapshot: policy }); // snapshot at version 3

    expect(await store.aggregateStream(streamId, evolve, initial, { snapshot: policy, asOfVersion: 2 })).toEqual({
      state: { status: 'reserved', folded: 2 },
      version: 2,
    });
  });
});
