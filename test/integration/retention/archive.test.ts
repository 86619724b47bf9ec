import { randomUUID } from 'node:crypto';
import { computeLogDigest, StreamArchivedError, verifyChain, verifyLogAgainst, type NewEvent } from '../../../src/eventstore';
import { archiveStreams } from '../../../src/eventstore/archiveStreams';
import { archiveClosedStreams } from '../../../src/retention/archiveClosedStreams';
import { composition } from '../../../processes';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { appendOrder, orderEvents } from '../../support/orderScenarios';
import { asSuperuser } from '../../support/tampering';

const retention = composition.retention;
const orderRetention = retention.find((r) => r.streamType === 'Order')!;

/** Rows per table, for the stream or the whole log. */
async function counts(pool: import('pg').Pool, streamId?: string): Promise<{ hot: number; archived: number }> {
  const { rows } = await pool.query<{ hot: string; archived: string }>(
    `select (select count(*) from events where $1::text is null or stream_id = $1) as hot,
            (select count(*) from events_archive where $1::text is null or stream_id = $1) as archived`,
    [streamId ?? null],
  );
  return { hot: Number(rows[0]!.hot), archived: Number(rows[0]!.archived) };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('archiving closed streams', () => {
  const db = useTestDatabase();
  const store = () => testEventStore(db);

  /** An order parked on a failed compensation: its last event is SagaCompensationFailed. */
  async function appendParkedOrder(): Promise<string> {
    const orderId = randomUUID();
    const events: NewEvent[] = orderEvents(orderId, 'compensationResolved')
      .slice(0, 4)
      .map((event) => ({ eventId: randomUUID(), type: event.type, data: event.data }));
    expect(events[3]!.type).toBe('SagaCompensationFailed');
    await store().append(`Order-${orderId}`, events, { expectedVersion: 'no_stream' });
    return `Order-${orderId}`;
  }

  /** An order still running: its last event is a step's. */
  async function appendOpenOrder(): Promise<string> {
    const orderId = randomUUID();
    const events: NewEvent[] = orderEvents(orderId, 'completed')
      .slice(0, 3)
      .map((event) => ({ eventId: randomUUID(), type: event.type, data: event.data }));
    await store().append(`Order-${orderId}`, events, { expectedVersion: 'no_stream' });
    return `Order-${orderId}`;
  }

  it('moves closed streams whole, leaves open and parked ones, and reads archived streams as before', async () => {
    const completed = `Order-${await appendOrder(store(), 'completed')}`;
    const compensated = `Order-${await appendOrder(store(), 'declined')}`;
    const legacy = `Order-${await appendOrder(store(), 'completed', randomUUID(), 'legacy')}`;
    const parked = await appendParkedOrder();
    const open = await appendOpenOrder();
    const before = new Map(await Promise.all([completed, compensated, legacy, parked, open].map(async (id) => [id, await store().readStream(id)] as const)));
    await pause(5);

    const summary = await archiveClosedStreams(db.pool, retention, { olderThanMs: 1, batchSize: 2 });

    expect(summary.byStreamType.map((s) => s.streamType)).toEqual(retention.filter((r) => r.archiveAfterDays !== null).map((r) => r.streamType));
    const orders = summary.byStreamType.find((s) => s.streamType === 'Order')!;
    expect(orders).toMatchObject({ streams: 3, reopened: 0 });
    for (const id of [completed, compensated, legacy]) expect(await counts(db.pool, id)).toEqual({ hot: 0, archived: before.get(id)!.length });
    for (const id of [parked, open]) expect(await counts(db.pool, id)).toEqual({ hot: before.get(id)!.length, archived: 0 });
    for (const [id, events] of before) expect(await store().readStream(id)).toEqual(events);
    const types = (state: string[], event: { type: string }) => [...state, event.type];
    const asOfVersion = await store().aggregateStream(completed, types, () => [], { asOfVersion: 3 });
    expect(asOfVersion).toEqual({ version: 3, state: before.get(completed)!.slice(0, 3).map((e) => e.type) });
    const asOfTime = await store().aggregateStream(completed, types, () => [], { asOfTime: before.get(completed)![0]!.createdAt });
    expect(asOfTime).toEqual({ version: 6, state: before.get(completed)!.map((e) => e.type) });
  });

  it('keeps a stream closed more recently than its declared wait, and archives nothing on a dry run', async () => {
    const recent = `Order-${await appendOrder(store(), 'completed')}`;
    expect(orderRetention.archiveAfterDays).toBe(90);

    const declared = await archiveClosedStreams(db.pool, retention);
    expect(declared.streams).toBe(0);
    expect(await counts(db.pool, recent)).toEqual({ hot: 6, archived: 0 });

    await pause(5);
    const logBefore = await counts(db.pool);
    const dry = await archiveClosedStreams(db.pool, retention, { olderThanMs: 1, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true });
    expect(dry.byStreamType.find((s) => s.streamType === 'Order')).toMatchObject({ streams: 1, events: 6 });
    expect(await counts(db.pool)).toEqual(logBefore);
  });

  it('refuses to move a stream that is not closed, even when asked for it by name', async () => {
    const open = await appendOpenOrder();
    const parked = await appendParkedOrder();
    const moved = await archiveStreams(db.pool, [open, parked, 'Order-never-written'], { closingEventTypes: orderRetention.closingEventTypes, closedBefore: new Date(Date.now() + 60_000) });
    expect(moved.map((m) => [m.streamId, m.outcome])).toEqual(
      [
        [open, 'open'],
        [parked, 'open'],
        ['Order-never-written', 'absent'],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    expect(await counts(db.pool, open)).toEqual({ hot: 3, archived: 0 });
  });

  it('refuses an append to an archived stream instead of starting it again at version 1', async () => {
    const orderId = await appendOrder(store(), 'completed');
    const streamId = `Order-${orderId}`;
    await pause(5);
    await archiveClosedStreams(db.pool, retention, { olderThanMs: 1, streamTypes: ['Order'] });
    expect(await counts(db.pool, streamId)).toEqual({ hot: 0, archived: 6 });
    const next = (): NewEvent => ({ eventId: randomUUID(), type: 'OrderCompleted', data: { orderId } });

    for (const expectedVersion of ['no_stream', 'any', 'stream_exists', 6, 0] as const) {
      await expect(store().append(streamId, [next()], { expectedVersion })).rejects.toThrow(StreamArchivedError);
      await expect(store().append(streamId, [next(), next()], { expectedVersion })).rejects.toThrow(StreamArchivedError);
    }
    expect(await counts(db.pool, streamId)).toEqual({ hot: 0, archived: 6 });
  });

  it('refuses even the owner\'s own insert of an archived stream\'s first event, with the hash the chain would give', async () => {
    const orderId = await appendOrder(store(), 'completed');
    const streamId = `Order-${orderId}`;
    await pause(5);
    await archiveClosedStreams(db.pool, retention, { olderThanMs: 1, streamTypes: ['Order'] });
    // The stream's first event, every column as the append path would write it.
    const insert = (db: Pick<import('pg').Pool, 'query'>, stream: string) =>
      db.query(
        `with v as (select $1::uuid as event_id, $2::text as stream_id, date_trunc('milliseconds', clock_timestamp()) as created_at, $3::jsonb as data)
         insert into events (event_id, stream_id, stream_type, version, event_type, schema_version, data, metadata, created_at, hash)
         select event_id, stream_id, 'Order', 1, 'OrderCompleted', 1, data, '{}', created_at,
                sagaflow_event_hash(null, event_id, stream_id, 1, 'OrderCompleted', 1, data, '{}', created_at) from v`,
        [randomUUID(), stream, JSON.stringify({ orderId })],
      );

    // The same insert into a stream never written is accepted: the refusal below is the archive's.
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await insert(client, `Order-${randomUUID()}`);
      await client.query('rollback');
    } finally {
      client.release();
    }
    await expect(insert(db.pool, streamId)).rejects.toMatchObject({ code: 'SF001', message: expect.stringMatching(/is archived/) });
    expect(await counts(db.pool, streamId)).toEqual({ hot: 0, archived: 6 });
  });

  it('a digest taken before archiving verifies after it, and a tampered archived row is found', async () => {
    for (let i = 0; i < 5; i++) await appendOrder(store(), i % 2 ? 'completed' : 'captureFailed');
    await appendOpenOrder();
    const digest = await computeLogDigest(db.pool, { windowSize: 4 });
    await pause(5);

    const summary = await archiveClosedStreams(db.pool, retention, { olderThanMs: 1, batchSize: 2 });
    expect(summary.streams).toBeGreaterThanOrEqual(5);

    expect(await verifyChain(db.pool)).toMatchObject({ brokenCount: 0, eventsChecked: digest.events });
    expect(await verifyLogAgainst(db.pool, digest)).toMatchObject({ ok: true });
    expect((await computeLogDigest(db.pool, { windowSize: 4, through: digest.through! })).head).toBe(digest.head);

    const { rows } = await db.pool.query<{ stream_id: string; version: string }>('select stream_id, version from events_archive order by global_position limit 1 offset 3');
    const victim = rows[0]!;
    await asSuperuser(db, `update events_archive set data = jsonb_set(data, '{orderId}', '"forged"') where stream_id = $1 and version = $2`, [victim.stream_id, victim.version]);
    expect((await verifyChain(db.pool)).firstBroken).toMatchObject({ streamId: victim.stream_id, version: Number(victim.version) });
    expect(await verifyLogAgainst(db.pool, digest)).toMatchObject({ ok: false });
  });
});
