import { randomUUID } from 'node:crypto';
import { ConcurrencyError } from '../../../src/eventstore';
import { useTestDatabase } from '../../support/database';
import { orderCompleted, orderPlaced, testEventStore } from '../../support/eventStore';

describe("append with expectedVersion 'any' or 'stream_exists' under contention", () => {
  const db = useTestDatabase();
  beforeAll(async () => {
    // The test cluster commits without fsync, which closes the windows a durable server leaves
    // open between a writer taking its transaction id and committing. A pause in every insert of
    // this file's database opens them again, so the races below happen as they do in production.
    await db.pool.query(`create function widen_race() returns trigger language plpgsql as $$ begin perform pg_sleep(0.002); return new; end $$`);
    await db.pool.query('create trigger widen_race before insert on events for each row execute function widen_race()');
  });
  const WRITERS = 32;
  const ROUNDS = 20;

  it.each(['any', 'stream_exists'] as const)(
    "'%s': 32 writers appending 20 times each to one existing stream: every append succeeds, the versions have no gap and no repeat",
    async (expectedVersion) => {
      const store = testEventStore(db);
      const orderId = randomUUID();
      const streamId = `Order-${orderId}`;
      await store.append(streamId, [orderPlaced(orderId)], { expectedVersion: 'no_stream' });

      const batches: string[][] = [];
      // Writers keep appending without waiting for each other, so each append races whoever is mid-way.
      const outcomes = await Promise.allSettled(
        Array.from({ length: WRITERS }, async (_, writer) => {
          for (let round = 0; round < ROUNDS; round++) {
            // Singles and batches both: the one-statement path and the function.
            const events = (writer + round) % 2 === 0 ? [orderCompleted(orderId)] : [orderCompleted(orderId), orderCompleted(orderId)];
            await store.append(streamId, events, { expectedVersion });
            batches.push(events.map((e) => e.eventId!));
          }
        }),
      );
      const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(refused.map((o) => (o.reason as Error).message)).toEqual([]);

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
    // Every 'any' append is there: 16 writers × 5, plus the opening event and the exact appends that won.
    expect(events.length).toBe(1 + (WRITERS / 2) * 5 + ((WRITERS / 2) * 5 - exactConflicts));
  }, 120_000);

  it("'stream_exists' on a stream nobody created is still refused", async () => {
    const store = testEventStore(db);
    const orderId = randomUUID();
    await expect(store.append(`Order-${orderId}`, [orderCompleted(orderId)], { expectedVersion: 'stream_exists' })).rejects.toThrow(ConcurrencyError);
  });
});
