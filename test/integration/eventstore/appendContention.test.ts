import { randomUUID } from 'node:crypto';
import { ConcurrencyError } from '../../../src/eventstore';
import { useTestDatabase } from '../../support/database';
import { orderCompleted, orderPlaced, testEventStore } from '../../support/eventStore';

describe("append with expectedVersion 'any' or 'stream_exists' under contention", () => {
  const db = useTestDatabase();
  const WRITERS = 16;
  const ROUNDS = 10;

  it.each(['any', 'stream_exists'] as const)(
    "'%s': 16 concurrent appends to one existing stream, 10 rounds: every append succeeds, the versions have no gap and no repeat",
    async (expectedVersion) => {
      const store = testEventStore(db);
      const orderId = randomUUID();
      const streamId = `Order-${orderId}`;
      await store.append(streamId, [orderPlaced(orderId)], { expectedVersion: 'no_stream' });

      const batches: string[][] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const outcomes = await Promise.allSettled(
          Array.from({ length: WRITERS }, async (_, writer) => {
            // Singles and batches both: the one-statement path and the function.
            const events = writer % 2 === 0 ? [orderCompleted(orderId)] : [orderCompleted(orderId), orderCompleted(orderId)];
            await store.append(streamId, events, { expectedVersion });
            batches.push(events.map((e) => e.eventId!));
          }),
        );
        const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(refused.map((o) => (o.reason as Error).message)).toEqual([]);
      }

      const events = await store.readStream(streamId);
      expect(events.map((e) => e.version)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
      expect(events.slice(1).map((e) => e.eventId).sort()).toEqual(batches.flat().sort());
      // A batch stays contiguous: nobody's event lands between two of another writer's.
      const versionOf = new Map(events.map((e) => [e.eventId, e.version]));
      for (const batch of batches) expect(batch.map((id) => versionOf.get(id)! - versionOf.get(batch[0]!)!)).toEqual(batch.map((_, i) => i));
    },
    120_000,
  );

  it("'any' racing exact-version writers: the exact ones may lose, 'any' never does", async () => {
    const store = testEventStore(db);
    const orderId = randomUUID();
    const streamId = `Order-${orderId}`;
    await store.append(streamId, [orderPlaced(orderId)], { expectedVersion: 'no_stream' });

    let exactConflicts = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        for (let i = 0; i < 5; i++) {
          if (writer % 2 === 0) {
            await store.append(streamId, [orderCompleted(orderId)], { expectedVersion: 'any' });
          } else {
            const version = (await store.readStream(streamId)).length;
            await store.append(streamId, [orderCompleted(orderId)], { expectedVersion: version }).catch((error: unknown) => {
              if (!(error instanceof ConcurrencyError)) throw error;
              exactConflicts++;
            });
          }
        }
      }),
    );

    const events = await store.readStream(streamId);
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    // Every 'any' append is there: 8 writers × 5, plus the opening event and the exact appends that won.
    expect(events.length).toBe(1 + 8 * 5 + (8 * 5 - exactConflicts));
  }, 120_000);

  it("'stream_exists' on a stream nobody created is still refused", async () => {
    const store = testEventStore(db);
    const orderId = randomUUID();
    await expect(store.append(`Order-${orderId}`, [orderCompleted(orderId)], { expectedVersion: 'stream_exists' })).rejects.toThrow(ConcurrencyError);
  });
});
