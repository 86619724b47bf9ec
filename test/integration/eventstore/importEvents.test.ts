import { randomUUID } from 'node:crypto';
import type { ImportEvent } from '../../../src/eventstore';
import { useTestDatabase } from '../../support/database';
import { countEvents, orderCompleted, orderPlaced, testEventStore } from '../../support/eventStore';

describe('importEvents', () => {
  const db = useTestDatabase();

  function fixture(streams: number, perStream: number): ImportEvent[] {
    // Interleaved across streams, as an export from another system might come.
    const ids = Array.from({ length: streams }, () => randomUUID());
    const events: ImportEvent[] = [];
    for (let i = 0; i < perStream; i++) {
      for (const orderId of ids) events.push({ streamId: `Order-${orderId}`, ...(i === 0 ? orderPlaced(orderId) : orderCompleted(orderId)) });
    }
    return events;
  }

  it('loads every event in per-stream order across parallel lanes, reporting progress', async () => {
    const store = testEventStore(db);
    const events = fixture(7, 30);
    const progress: number[] = [];

    const result = await store.importEvents(events, { batchSize: 4, concurrency: 3, onProgress: (n) => progress.push(n) });

    expect(result).toEqual({ imported: 210 });
    expect(progress[progress.length - 1]).toBe(210);
    for (const streamId of new Set(events.map((e) => e.streamId))) {
      const stored = await store.readStream(streamId);
      expect(stored.map((e) => e.eventId)).toEqual(events.filter((e) => e.streamId === streamId).map((e) => e.eventId));
      expect(stored.map((e) => e.version)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect((await store.verifyStream(streamId)).brokenCount).toBe(0);
    }
  });

  it('can be re-run after a partial import: what is already there is recognised, not written twice', async () => {
    const store = testEventStore(db);
    const events = fixture(3, 10);
    const before = await countEvents(db);
    await store.importEvents(events.slice(0, 12), { batchSize: 1000 });

    await store.importEvents(events, { batchSize: 1000 });

    expect((await countEvents(db)) - before).toBe(30);
  });

  it('rejects an invalid event with its position in the batch and stops', async () => {
    const store = testEventStore(db);
    const orderId = randomUUID();
    const bad: ImportEvent = { streamId: `Order-${orderId}`, type: 'OrderCompleted', data: {} };
    await expect(store.importEvents([{ streamId: `Order-${orderId}`, ...orderPlaced(orderId) }, bad])).rejects.toThrow(/event #1 \(OrderCompleted .*\) is invalid: data.orderId/);
    expect(await countEvents(db, `Order-${orderId}`)).toBe(0);
  });
});
