import { randomUUID } from 'node:crypto';
import {
  ConcurrencyError,
  EventValidationError,
  IdempotencyConflictError,
  InvalidStreamIdError,
  type NewEvent,
} from '../../../src/eventstore';
import { useTestDatabase } from '../../support/database';
import { countEvents, inventoryReserved, orderCompleted, orderPlaced, testEventStore } from '../../support/eventStore';

describe('append', () => {
  const db = useTestDatabase();

  const newStream = () => {
    const orderId = randomUUID();
    return { orderId, streamId: `Order-${orderId}` };
  };

  it('appends a batch in order and returns the stream version, positions and checkpoint', async () => {
    const store = testEventStore(db);
    const { orderId, streamId } = newStream();

    const first = await store.append(streamId, [orderPlaced(orderId), inventoryReserved(orderId)], { expectedVersion: 'no_stream' });
    const second = await store.append(streamId, [orderCompleted(orderId)], { expectedVersion: 2 });

    expect(first.streamVersion).toBe(2);
    expect(first.positions).toHaveLength(2);
    expect(first.positions[1]).toBeGreaterThan(first.positions[0]!);
    expect(first.checkpoint).toEqual({ transactionId: first.transactionId, globalPosition: first.positions[1] });
    expect(second.streamVersion).toBe(3);
    expect(second.duplicate).toBe(false);
    const events = await store.readStream(streamId);
    expect(events.map((e) => [e.version, e.type, e.streamType])).toEqual([
      [1, 'OrderPlaced', 'Order'],
      [2, 'InventoryReserved', 'Order'],
      [3, 'OrderCompleted', 'Order'],
    ]);
  });

  it.each([
    ['a number that is not the current version', 1, 2],
    ["'no_stream' on an existing stream", 'no_stream' as const, 2],
  ])('raises ConcurrencyError with expected and actual versions for %s', async (_name, expectedVersion, actual) => {
    const store = testEventStore(db);
    const { orderId, streamId } = newStream();
    await store.append(streamId, [orderPlaced(orderId), inventoryReserved(orderId)], { expectedVersion: 'no_stream' });

    const attempt = store.append(streamId, [orderCompleted(orderId)], { expectedVersion });

    await expect(attempt).rejects.toThrow(ConcurrencyError);
    await expect(attempt).rejects.toMatchObject({ streamId, expected: expectedVersion, actual });
    expect(await countEvents(db, streamId)).toBe(2);
  });

  it("raises ConcurrencyError for 'stream_exists' on a new stream, and accepts 'any' anywhere", async () => {
    const store = testEventStore(db);
    const { orderId, streamId } = newStream();

    await expect(store.append(streamId, [orderPlaced(orderId)], { expectedVersion: 'stream_exists' })).rejects.toMatchObject({ actual: 0 });
    await store.append(streamId, [orderPlaced(orderId)], { expectedVersion: 'any' });
    const result = await store.append(streamId, [orderCompleted(orderId)], { expectedVersion: 'any' });
    expect(result.streamVersion).toBe(2);
  });

  it('treats a retry with the same event ids and content as success: original positions, nothing written', async () => {
    const store = testEventStore(db);
    const { orderId, streamId } = newStream();
    const batch = [orderPlaced(orderId), inventoryReserved(orderId)];
    const original = await store.append(streamId, batch, { expectedVersion: 'no_stream' });
    await store.append(streamId, [orderCompleted(orderId)], { expectedVersion: 2 });

    // The retry still carries its first expected version: the duplicate is recognised before that check.
    const retry = await store.append(streamId, batch, { expectedVersion: 'no_stream' });

    expect(retry).toEqual({ ...original, duplicate: true });
    expect(await countEvents(db, streamId)).toBe(3);
  });

  it('raises IdempotencyConflictError when a known event id comes with different content', async () => {
    const store = testEventStore(db);
    const { orderId, streamId } = newStream();
    const placed = orderPlaced(orderId, 1000);
    await store.append(streamId, [placed], { expectedVersion: 'no_stream' });

    const changed: NewEvent = { ...placed, data: { ...(placed.data as object), totalCents: 999 } };
    const attempt = store.append(streamId, [changed], { expectedVersion: 1 });

    await expect(attempt).rejects.toThrow(IdempotencyConflictError);
    await expect(attempt).rejects.toMatchObject({ eventId: placed.eventId, streamId });
    expect(await countEvents(db, streamId)).toBe(1);
  });

  it('rejects a batch that mixes a known event id with new ones, writing nothing', async () => {
    const store = testEventStore(db);
    const { orderId, streamId } = newStream();
    const placed = orderPlaced(orderId);
    await store.append(streamId, [placed], { expectedVersion: 'no_stream' });

    await expect(store.append(streamId, [placed, orderCompleted(orderId)], { expectedVersion: 1 })).rejects.toThrow(IdempotencyConflictError);
    expect(await countEvents(db, streamId)).toBe(1);
  });

  it('validates every payload first: an invalid event names the event, field and rule, and nothing of the batch is written', async () => {
    const store = testEventStore(db);
    const { orderId, streamId } = newStream();
    const bad: NewEvent = { eventId: randomUUID(), type: 'InventoryReserved', data: { orderId, reservationId: 'r1', items: [{ sku: 'a', quantity: 0 }] } };

    const attempt = store.append(streamId, [orderPlaced(orderId), bad], { expectedVersion: 'no_stream' });

    await expect(attempt).rejects.toThrow(EventValidationError);
    await expect(attempt).rejects.toThrow(`event #1 (InventoryReserved ${bad.eventId}) is invalid: data.items.0.quantity: must be at least 1`);
    expect(await countEvents(db, streamId)).toBe(0);
  });

  it('refuses an unknown event type, listing the known ones', async () => {
    const store = testEventStore(db);
    const { streamId } = newStream();
    await expect(store.append(streamId, [{ type: 'OrderTeleported', data: {} }], { expectedVersion: 'any' })).rejects.toThrow(
      /event #0 \(OrderTeleported [0-9a-f-]+\) is invalid: type: unknown event type; known types: .*OrderPlaced/,
    );
  });

  it('refuses payloads over the configured size with the size and the limit, writing nothing', async () => {
    const store = testEventStore(db, { maxPayloadBytes: 200 });
    const { orderId, streamId } = newStream();
    const big: NewEvent = { type: 'OrderCancelled', data: { orderId, reason: 'x'.repeat(300) } };

    await expect(store.append(streamId, [orderPlaced(orderId), big], { expectedVersion: 'no_stream' })).rejects.toThrow(
      /event #1 \(OrderCancelled .*\) is invalid: data: is \d+ bytes of JSON, over the limit of 200 bytes/,
    );
    expect(await countEvents(db, streamId)).toBe(0);
  });

  it('defaults the payload limit to 16 KiB of data and bounds metadata apart, at 4 KiB', async () => {
    const store = testEventStore(db);
    const { orderId, streamId } = newStream();
    const within = { type: 'CompensationFailed', data: { orderId, step: 's', error: 'e'.repeat(4000), attempts: 1 }, metadata: { note: 'y'.repeat(4000) } };
    await store.append(streamId, [within], { expectedVersion: 'any' });
    const huge = { type: 'OrderPlaced', data: { orderId, customerId: 'c', items: Array.from({ length: 800 }, (_, i) => ({ sku: `sku-${i}`, quantity: 1 })), totalCents: 1, currency: 'USD' } };
    await expect(store.append(streamId, [huge], { expectedVersion: 'any' })).rejects.toThrow(/data: is \d+ bytes of JSON, over the limit of 16384 bytes/);
    const heavyMetadata = { ...orderCompleted(orderId), metadata: { note: 'y'.repeat(2_000_000) } };
    await expect(store.append(streamId, [heavyMetadata], { expectedVersion: 'any' })).rejects.toThrow(/metadata: is 2000\d+ bytes of JSON, over the limit of 4096 bytes/);
    expect(await countEvents(db, streamId)).toBe(1);
  });

  it('rejects malformed stream ids, event ids and expected versions with the rule', async () => {
    const store = testEventStore(db);
    const { orderId } = newStream();
    await expect(store.append('order 1', [orderPlaced(orderId)], { expectedVersion: 'any' })).rejects.toThrow(InvalidStreamIdError);
    await expect(store.append('Order-1', [{ ...orderPlaced(orderId), eventId: 'abc' }], { expectedVersion: 'any' })).rejects.toThrow(
      /eventId: must be a UUID/,
    );
    await expect(store.append('Order-1', [orderPlaced(orderId)], { expectedVersion: -1 })).rejects.toThrow(/expectedVersion must be a whole number/);
    await expect(store.append('Order-1', [], { expectedVersion: 'any' })).rejects.toThrow(/events must not be empty/);
    expect(await countEvents(db, 'Order-1')).toBe(0);
  });

  it('appends 1000 events in one call', async () => {
    const store = testEventStore(db);
    const { orderId, streamId } = newStream();
    const batch = Array.from({ length: 1000 }, () => orderCompleted(orderId));

    const result = await store.append(streamId, batch, { expectedVersion: 'no_stream' });

    expect(result.streamVersion).toBe(1000);
    expect(new Set(result.positions).size).toBe(1000);
    const versions = (await store.readStream(streamId)).map((e) => e.version);
    expect(versions).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('lets exactly one of 32 racing appenders write each version; the others get ConcurrencyError and nothing is lost', async () => {
    const store = testEventStore(db);
    const { orderId, streamId } = newStream();
    await store.append(streamId, [orderPlaced(orderId)], { expectedVersion: 'no_stream' });

    const written: string[] = [];
    let conflicts = 0;
    // Each writer keeps trying to add its own event at the version it last saw, like a command handler would.
    await Promise.all(
      Array.from({ length: 32 }, async (_, writer) => {
        const event = { ...orderCompleted(orderId), metadata: { actor: `writer-${writer}` } };
        for (;;) {
          const version = (await store.readStream(streamId)).length;
          try {
            await store.append(streamId, [event], { expectedVersion: version });
            written.push(event.eventId!);
            return;
          } catch (error) {
            if (!(error instanceof ConcurrencyError)) throw error;
            expect(error.actual).toBeGreaterThan(version - 1);
            conflicts++;
          }
        }
      }),
    );

    const events = await store.readStream(streamId);
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 33 }, (_, i) => i + 1));
    expect(new Set(events.slice(1).map((e) => e.eventId))).toEqual(new Set(written));
    expect(conflicts).toBeGreaterThan(0);
  });
});
