import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { compareCheckpoints, type NewEvent } from '../../../src/eventstore';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';

describe('append/read round trips (property-based)', () => {
  const db = useTestDatabase();

  // Awkward but valid payloads: unicode, quotes, backslashes, big and tiny numbers.
  const reason = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 });
  const event = fc.oneof(
    reason.map((r): Omit<NewEvent, 'data'> & { data: object } => ({ type: 'OrderCancelled', data: { orderId: 'o', reason: r } })),
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }).map((amountCents) => ({ type: 'PaymentCaptured', data: { orderId: 'o', paymentId: 'p', amountCents } })),
  );

  it('reads back exactly what was appended, in order, with contiguous versions, via the stream and the global log', async () => {
    const store = testEventStore(db);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(event, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }), async (batches) => {
        const streamId = `Order-${randomUUID()}`;
        const start = await store.readAll({ limit: 1_000_000 });
        let version = 0;
        for (const batch of batches) {
          const result = await store.append(streamId, batch, { expectedVersion: version === 0 ? 'no_stream' : version });
          version += batch.length;
          expect(result.streamVersion).toBe(version);
        }
        const appended = batches.flat();

        const stream = await store.readStream(streamId);
        expect(stream.map((e) => ({ type: e.type, data: e.data }))).toEqual(appended.map((e) => ({ type: e.type, data: e.data })));
        expect(stream.map((e) => e.version)).toEqual(appended.map((_, i) => i + 1));

        const global = (await store.readAll({ after: start.checkpoint, limit: 1_000_000 })).events.filter((e) => e.streamId === streamId);
        expect(global.map((e) => e.eventId)).toEqual(stream.map((e) => e.eventId));
        for (let i = 1; i < global.length; i++) expect(compareCheckpoints(global[i - 1]!, global[i]!)).toBeLessThan(0);
        expect((await store.verifyStream(streamId)).brokenCount).toBe(0);
      }),
      { numRuns: 40 },
    );
  });
});
