import { randomBytes, randomUUID } from 'node:crypto';
import {
  archiveStreams,
  createEventStore,
  EncryptionKeyError,
  ERASED,
  forgetSubject,
  MasterKey,
  PersonalDataCipher,
  PersonalDataCorruptError,
  PersonalDataLockedError,
  PostgresKeyStore,
  type EventStore,
  type NewEvent,
} from '../../../src/eventstore';
import { rebuildProjection } from '../../../src/projections';
import { contracts as plainContracts } from '../../support/contracts';
import { useTestDatabase } from '../../support/database';
import { tablesHolding } from '../../support/erasure';
import { rewriteRecomputingChain } from '../../support/tampering';

import { catchUp } from '../../support/projections';
import { readModels } from '../../support/readModels';

/** Erasure by crypto-shredding, through the store and the processes' own contracts on a real PostgreSQL. */
describe('forgetting a subject', () => {
  const db = useTestDatabase();
  let store: EventStore;
  let cipher: PersonalDataCipher;
  let contracts: typeof plainContracts;

  beforeAll(() => {
    const master = MasterKey.parse(randomBytes(32).toString('base64'));
    cipher = new PersonalDataCipher(new PostgresKeyStore(db.pool, master), master);
    contracts = plainContracts.withPersonalData(cipher);
    store = createEventStore(db.pool, { contracts });
  });

  function placed(orderId: string, customerId: string): NewEvent {
    return { eventId: randomUUID(), type: 'OrderPlaced', data: { orderId, customerId, items: [{ sku: 'mug', quantity: 1 }], totalCents: 1200, currency: 'USD' } };
  }
  const completed = (orderId: string): NewEvent => ({ eventId: randomUUID(), type: 'OrderCompleted', data: { orderId } });
  function tripRequested(tripId: string, customerId: string): NewEvent {
    return {
      eventId: randomUUID(),
      type: 'TripRequested',
      data: {
        tripId,
        customerId,
        flight: { from: 'LIS', to: 'OSL', priceCents: 100 },
        hotel: { city: 'Oslo', nights: 2, priceCents: 200 },
        car: { city: 'Oslo', days: 2, priceCents: 300 },
        totalCents: 600,
        currency: 'EUR',
      },
    };
  }

  it('stores personal fields as ciphertext and reads them back in plain while the key exists', async () => {
    const customer = `cust-${randomUUID()}`;
    const orderId = randomUUID();
    await store.append(`Order-${orderId}`, [placed(orderId, customer)], { expectedVersion: 'no_stream' });
    const { rows } = await db.pool.query<{ data: string }>(`select data::text as data from events where stream_id = $1`, [`Order-${orderId}`]);
    expect(rows[0]!.data).not.toContain(customer);
    expect(rows[0]!.data).toContain('$personal');
    const [event] = await store.readStream(`Order-${orderId}`);
    expect(event!.data).toMatchObject({ orderId, customerId: customer });
  });

  it('refuses sealed fields to a reader without a key rather than hand out ciphertext or call them erased', async () => {
    const orderId = randomUUID();
    await store.append(`Order-${orderId}`, [placed(orderId, `cust-${randomUUID()}`)], { expectedVersion: 'no_stream' });
    const keyless = createEventStore(db.pool, { contracts: plainContracts });
    await expect(keyless.readStream(`Order-${orderId}`)).rejects.toThrow(PersonalDataLockedError);
    await expect(keyless.readStream(`Order-${orderId}`)).rejects.toThrow(/holds encrypted personal data and this reader has no encryption key: set SAGAFLOW_ENCRYPTION_KEY/);
  });

  it('a retried append with personal data stores the same bytes and returns duplicate', async () => {
    const orderId = randomUUID();
    const event = placed(orderId, `cust-${randomUUID()}`);
    const first = await store.append(`Order-${orderId}`, [event], { expectedVersion: 'no_stream' });
    const retry = await store.append(`Order-${orderId}`, [event], { expectedVersion: 'no_stream' });
    expect(first.duplicate).toBe(false);
    expect(retry).toEqual({ ...first, duplicate: true });
  });

  it('reads a forgotten subject’s fields as erased, leaves other subjects readable, and records the erasure once', async () => {
    const [forgotten, kept] = [`cust-${randomUUID()}`, `cust-${randomUUID()}`];
    const [a, b] = [randomUUID(), randomUUID()];
    await store.append(`Order-${a}`, [placed(a, forgotten)], { expectedVersion: 'no_stream' });
    await store.append(`Order-${b}`, [placed(b, kept)], { expectedVersion: 'no_stream' });

    const first = await forgetSubject(db.pool, cipher, forgotten);
    const again = await forgetSubject(db.pool, cipher, forgotten);

    expect(first.outcome).toBe('forgotten');
    expect(again).toEqual({ ...first, outcome: 'already_forgotten' });
    expect(first.streamId).not.toContain(forgotten);
    const records = await store.readStream(first.streamId);
    expect(records.map((e) => [e.type, e.data])).toEqual([['SubjectForgotten', { subjectRef: first.subjectRef, keyDestroyed: true }]]);
    expect((await store.readStream(`Order-${a}`))[0]!.data).toEqual({ orderId: a, customerId: ERASED, items: [{ sku: 'mug', quantity: 1 }], totalCents: 1200, currency: 'USD' });
    expect((await store.readStream(`Order-${b}`))[0]!.data).toMatchObject({ customerId: kept });
  });

  it('erases only the forgotten account holder’s field of an event naming two', async () => {
    const [transferId, from, to] = [randomUUID(), `acct-${randomUUID()}`, `acct-${randomUUID()}`];
    await store.append(
      `Transfer-${transferId}`,
      [{ type: 'TransferRequested', data: { transferId, fromAccount: from, toAccount: to, amountCents: 500, currency: 'EUR' } }],
      { expectedVersion: 'no_stream' },
    );
    await forgetSubject(db.pool, cipher, to);
    expect((await store.readStream(`Transfer-${transferId}`))[0]!.data).toEqual({ transferId, fromAccount: from, toAccount: ERASED, amountCents: 500, currency: 'EUR' });
  });

  it('leaves no plaintext of a forgotten customer anywhere in the database after a rebuild, and the chain verifies', async () => {
    const customer = `forget-me-${randomBytes(6).toString('hex')}`;
    const [archived, live, tripId] = [randomUUID(), randomUUID(), randomUUID()];
    await store.append(`Order-${archived}`, [placed(archived, customer), completed(archived)], { expectedVersion: 'no_stream' });
    await store.append(`Order-${live}`, [placed(live, customer)], { expectedVersion: 'no_stream' });
    await store.append(`Trip-${tripId}`, [tripRequested(tripId, customer)], { expectedVersion: 'no_stream' });
    const moved = await archiveStreams(db.pool, [`Order-${archived}`], { closingEventTypes: ['OrderCompleted'], closedBefore: new Date(Date.now() + 60_000) });
    expect(moved.map((m) => m.outcome)).toEqual(['archived']);
    // Read models and a snapshot hold the customer id in plain before it is forgotten.
    await catchUp(db.pool, readModels, 500, contracts);
    await store.aggregateStream(`Order-${live}`, (state: { customerId?: unknown }, e) => ({ ...state, ...(e.data as object) }), () => ({}), {
      snapshot: { name: 'erasure-test', formatVersion: 1, every: 1 },
    });
    expect(await tablesHolding(db, customer)).toEqual(expect.arrayContaining(['order_summary_v2', 'stream_snapshots', 'trip_summary_v2']));

    await forgetSubject(db.pool, cipher, customer);
    for (const projection of readModels) await rebuildProjection(db.pool, projection, { contracts, partitions: 2, batchSize: 50 });

    expect(await store.verifyAll()).toMatchObject({ brokenCount: 0 });
    expect(await tablesHolding(db, customer)).toEqual([]);
    expect((await store.readStream(`Order-${archived}`))[0]!.data).toMatchObject({ customerId: ERASED });
  });

  // Last: the altered event would stop every later rebuild of the log.
  it('refuses to read with another master key, and a sealed field altered in place, with typed errors naming what is wrong', async () => {
    const orderId = randomUUID();
    await store.append(`Order-${orderId}`, [placed(orderId, `cust-${randomUUID()}`)], { expectedVersion: 'no_stream' });
    const other = MasterKey.parse(randomBytes(32).toString('base64'));
    const otherStore = createEventStore(db.pool, { contracts: plainContracts.withPersonalData(new PersonalDataCipher(new PostgresKeyStore(db.pool, other), other)) });
    await expect(otherStore.readStream(`Order-${orderId}`)).rejects.toThrow(EncryptionKeyError);
    await expect(otherStore.readStream(`Order-${orderId}`)).rejects.toThrow(/SAGAFLOW_ENCRYPTION_KEY is not the key subject [0-9a-f]{64}'s key was wrapped with/);

    const [stored] = (await db.pool.query<{ data: { customerId: { $personal: { subject: string; sealed: string } } } }>('select data from events where stream_id = $1', [`Order-${orderId}`])).rows;
    const sealed = Buffer.from(stored!.data.customerId.$personal.sealed, 'base64');
    sealed[sealed.length - 1]! ^= 1;
    await rewriteRecomputingChain(db, `Order-${orderId}`, 1, { ...stored!.data, customerId: { $personal: { ...stored!.data.customerId.$personal, sealed: sealed.toString('base64') } } });
    await expect(store.readStream(`Order-${orderId}`)).rejects.toThrow(PersonalDataCorruptError);
    await expect(store.readStream(`Order-${orderId}`)).rejects.toThrow(/personal field data.customerId does not open under its subject's key/);
  });

});
