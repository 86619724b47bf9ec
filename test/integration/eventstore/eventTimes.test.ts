import { randomUUID } from 'node:crypto';
import { contracts } from '../../support/contracts';
import { appendEvents, DEFAULT_MAX_METADATA_BYTES, DEFAULT_MAX_PAYLOAD_BYTES, type StoredEvent } from '../../../src/eventstore';
import { useTestDatabase } from '../../support/database';
import { inventoryReserved, orderCompleted, orderPlaced, testEventStore } from '../../support/eventStore';

const settings = { contracts, maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES, maxMetadataBytes: DEFAULT_MAX_METADATA_BYTES, notifier: undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type OrderState = { folded: number };
const count = (state: OrderState): OrderState => ({ folded: state.folded + 1 });

describe('event times tell the truth', () => {
  const db = useTestDatabase();

  it('a later version never carries an earlier time, even when appended from a transaction that began before the one before it', async () => {
    const store = testEventStore(db);
    const orderId = randomUUID();
    const streamId = `Order-${orderId}`;
    await store.append(streamId, [orderPlaced(orderId)], { expectedVersion: 'no_stream' });

    // The long transaction starts first (now() is its start) but appends last.
    const long = await db.pool.connect();
    try {
      await long.query('begin');
      await long.query('select 1');
      await sleep(300);
      await store.append(streamId, [inventoryReserved(orderId)], { expectedVersion: 1 });
      await appendEvents(long, settings, streamId, [orderCompleted(orderId)], { expectedVersion: 2 });
      await long.query('commit');
    } finally {
      long.release();
    }

    const events = await store.readStream(streamId);
    const [, v2, v3] = events as [StoredEvent, StoredEvent, StoredEvent];
    expect(v3.createdAt.getTime()).toBeGreaterThanOrEqual(v2.createdAt.getTime());
    // 100 ms before v2 was recorded, the stream was at version 1: not at 3.
    const before = await store.aggregateStream(streamId, count, () => ({ folded: 0 }), { asOfTime: new Date(v2.createdAt.getTime() - 100) });
    expect(before.version).toBe(1);
  });

  it('times are kept to the millisecond end to end: an as-of time equal to an event\'s time includes it', async () => {
    const store = testEventStore(db);
    const orderId = randomUUID();
    const streamId = `Order-${orderId}`;
    await store.append(streamId, [orderPlaced(orderId)], { expectedVersion: 'no_stream' });
    for (const event of [inventoryReserved(orderId), orderCompleted(orderId)]) {
      await sleep(5);
      await store.append(streamId, [event], { expectedVersion: 'any' });
    }

    const { rows } = await db.pool.query<{ exact: boolean }>(
      `select created_at = date_trunc('milliseconds', created_at) as exact from events where stream_id = $1`,
      [streamId],
    );
    expect(rows.map((r) => r.exact)).toEqual([true, true, true]);
    const events = await store.readStream(streamId);
    for (const event of events) {
      const asOf = await store.aggregateStream(streamId, count, () => ({ folded: 0 }), { asOfTime: event.createdAt });
      expect(asOf.version).toBeGreaterThanOrEqual(event.version);
    }
  });
});
