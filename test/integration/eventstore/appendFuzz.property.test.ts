import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { EventStoreError, type NewEvent } from '../../../src/eventstore';
import { useTestDatabase } from '../../support/database';
import { countEvents, testEventStore } from '../../support/eventStore';

/**
 * Hostile input from plain JavaScript: any text (the NUL character, lone surrogates, every plane),
 * any value where an id, an expected version or options belong. Every call either stores exactly
 * what it was given or is refused with the store's own typed error, writing nothing: never a raw
 * PostgreSQL error, never a TypeError, never a half-written batch.
 */
describe('append under fuzzed input (property-based)', () => {
  const db = useTestDatabase();

  const hostileText = fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
    fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udc00', '\udbff\udfff', '\\u0000', '\\ud800', '"\'`', 'ü€𝄞'),
  );
  const anyValue = fc.oneof(fc.anything(), fc.bigInt(), fc.constant(null), fc.constant(undefined));
  const maybe = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: anyValue });

  const event = fc.record({
    eventId: maybe(fc.uuid({ version: 4 })),
    customerId: hostileText,
    actor: hostileText,
    note: hostileText,
  });

  it('stores exactly what it accepts and refuses everything else with an EventStoreError, writing nothing', async () => {
    const store = testEventStore(db);
    let stored = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 4 }), maybe(fc.constantFrom<'no_stream' | 'any'>('no_stream', 'any')), async (specs, expectedVersion) => {
        const orderId = randomUUID();
        const streamId = `Order-${orderId}`;
        const events = specs.map(
          (spec): NewEvent => ({
            eventId: spec.eventId as string,
            type: 'OrderCancelled',
            data: { orderId, reason: spec.customerId },
            metadata: { actor: spec.actor, [spec.note]: spec.note },
          }),
        );
        const before = await countEvents(db);
        let outcome: 'stored' | Error;
        try {
          await store.append(streamId, events, { expectedVersion: expectedVersion as 'any' });
          outcome = 'stored';
        } catch (error) {
          outcome = error as Error;
        }
        if (outcome === 'stored') {
          stored++;
          const read = await store.readStream(streamId);
          // An omitted id is made by the store; a given one is kept.
          expect(read.map((e) => [e.eventId, e.data, e.metadata])).toEqual(events.map((e, i) => [e.eventId ?? read[i]!.eventId, e.data, e.metadata]));
        } else {
          refused++;
          expect(outcome).toBeInstanceOf(EventStoreError);
          expect(await countEvents(db)).toBe(before);
        }
      }),
      { numRuns: 300 },
    );
    // Both sides were exercised: the property is not vacuous.
    expect(stored).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(10);
  }, 120_000);
});
