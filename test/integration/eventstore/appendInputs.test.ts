import { randomUUID } from 'node:crypto';
import { EventStoreError, EventValidationError, type NewEvent } from '../../../src/eventstore';
import { SagaflowError } from '../../../src/errors';
import { useTestDatabase } from '../../support/database';
import { countEvents, orderCompleted, orderPlaced, testEventStore } from '../../support/eventStore';

/** Calls as plain JavaScript would make them, past the types. */
const loose = <T>(value: unknown) => value as T;

describe('append refuses bad input with a typed error naming the field, before anything is sent', () => {
  const db = useTestDatabase();
  const newStream = () => {
    const orderId = randomUUID();
    return { orderId, streamId: `Order-${orderId}` };
  };

  it('a batch that repeats an event id is a validation error naming the id, not a concurrency conflict', async () => {
    const store = testEventStore(db);
    const { orderId, streamId } = newStream();
    const first = orderCompleted(orderId);
    const error = await store.append(streamId, [orderPlaced(orderId), first, { ...first }], { expectedVersion: 'any' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).eventId).toBe(first.eventId);
    expect((error as Error).message).toMatch(/event #2 .*eventId: repeats the id of event #1/);
    expect(await countEvents(db, streamId)).toBe(0);
  });

  it.each([
    ['NUL in a data string', (orderId: string) => ({ ...orderPlaced(orderId), data: { ...(orderPlaced(orderId).data as object), customerId: 'cust\u0000' } }), /data\.customerId: must not contain the NUL character/],
    ['a lone surrogate in a data string', (orderId: string) => ({ ...orderPlaced(orderId), data: { ...(orderPlaced(orderId).data as object), customerId: 'cust\ud800' } }), /data\.customerId: must be well-formed Unicode/],
    ['NUL in metadata', (orderId: string) => ({ ...orderPlaced(orderId), metadata: { actor: 'a\u0000b' } }), /metadata\.actor: must not contain the NUL character/],
    ['a lone low surrogate in a metadata key', (orderId: string) => ({ ...orderPlaced(orderId), metadata: { ['k\udc00']: 'v' } }), /metadata key "k\\udc00": must be well-formed Unicode/],
  ])('text PostgreSQL cannot store (%s)', async (_, make, message) => {
    const store = testEventStore(db);
    const { orderId, streamId } = newStream();
    const error = await store.append(streamId, [make(orderId) as NewEvent], { expectedVersion: 'no_stream' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as Error).message).toMatch(message);
    expect(await countEvents(db, streamId)).toBe(0);
  });

  it('an escaped backslash before "u0000" is ordinary text and is stored as given', async () => {
    const store = testEventStore(db);
    const { orderId, streamId } = newStream();
    const event = { ...orderPlaced(orderId), metadata: { actor: 'C:\\u0000\\ud800' } };
    await store.append(streamId, [event], { expectedVersion: 'no_stream' });
    expect((await store.readStream(streamId))[0]!.metadata.actor).toBe('C:\\u0000\\ud800');
  });

  it('eventId null is refused (an omitted id is made, null is a mistake that would make a retry write twice)', async () => {
    const store = testEventStore(db);
    const { orderId, streamId } = newStream();
    await expect(store.append(streamId, [{ ...orderPlaced(orderId), eventId: loose<string>(null) }], { expectedVersion: 'no_stream' })).rejects.toThrow(
      /eventId: must be a UUID \(or omitted, to have one made\), got null/,
    );
    expect(await countEvents(db, streamId)).toBe(0);
  });

  it.each([
    ['a BigInt expected version', () => [[], { expectedVersion: loose(3n) }], /expectedVersion must be .*; got the BigInt 3n/],
    ['null options', () => [[], loose(null)], /options must be an object with expectedVersion, got null/],
    ['events that are not an array', () => [loose({ type: 'OrderCompleted' }), { expectedVersion: 'any' }], /events must be an array, got an object/],
    ['an event that is not an object', () => [[loose('OrderCompleted')], { expectedVersion: 'any' }], /event #0 .*event: must be an object, got "OrderCompleted"/],
    ['a stream id that is not a string', () => [[], { expectedVersion: 'any' }, loose(42)], /streamId must be a string, got number 42/],
  ])('%s is the store\'s own error, not a TypeError', async (_, args, message) => {
    const store = testEventStore(db);
    const { orderId, streamId } = newStream();
    const [events, options, stream] = args() as [NewEvent[] | undefined, { expectedVersion: 'any' }, string | undefined];
    const before = await countEvents(db);
    const error = await store.append(stream ?? streamId, events?.length === 0 ? [orderCompleted(orderId)] : events!, options).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EventStoreError);
    expect(error).toBeInstanceOf(SagaflowError);
    expect((error as Error).message).toMatch(message);
    expect(await countEvents(db)).toBe(before);
  });
});
