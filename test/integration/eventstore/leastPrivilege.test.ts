import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { useTestDatabase } from '../../support/database';
import { testEnv } from '../../support/env';
import { countEvents, orderCompleted, orderPlaced, testEventStore } from '../../support/eventStore';

/**
 * What a session can write into the log by hand, as the application role and as the table's owner.
 * Every session here is plain SQL, as psql would send it.
 */
describe('least privilege on the log', () => {
  const db = useTestDatabase();
  const login = `app_${randomBytes(4).toString('hex')}`;
  let app: pg.Client;
  let streamId: string;
  let orderId: string;

  beforeAll(async () => {
    await db.pool.query(`create role ${login} login password 'app'`);
    await db.pool.query(`grant sagaflow_app to ${login}`);
    const url = new URL(db.url);
    url.username = login;
    url.password = 'app';
    app = new pg.Client({ connectionString: url.toString() });
    app.on('error', () => undefined); // ended by the database's drop at the end of the file
    await app.connect();
    orderId = randomUUID();
    streamId = `Order-${orderId}`;
    await testEventStore(db).append(streamId, [orderPlaced(orderId), orderCompleted(orderId)], { expectedVersion: 'no_stream' });
  });
  afterAll(async () => {
    await app?.end();
    // Roles belong to the server, not to this file's database (dropped by now): drop it there.
    const admin = new pg.Client({ connectionString: testEnv('postgresAdminUrl') });
    await admin.connect();
    try {
      await admin.query(`drop role if exists ${login}`);
    } finally {
      await admin.end();
    }
  });

  /**
   * An INSERT of the stream's next event with every column the append path would write, the hash
   * computed as the chain would; `overrides` forge one of them.
   */
  const forgedInsert = (version: number, overrides: Record<string, string> = {}) => {
    const values: Record<string, string> = {
      event_id: `'${randomUUID()}'::uuid`,
      stream_id: `'${streamId}'::text`,
      stream_type: `'Order'::text`,
      version: `${version}::bigint`,
      event_type: `'OrderCompleted'::text`,
      schema_version: '1',
      data: `'{"orderId":"${orderId}"}'::jsonb`,
      metadata: `'{}'::jsonb`,
      created_at: `date_trunc('milliseconds', clock_timestamp())`,
      ...Object.fromEntries(Object.entries(overrides).filter(([column]) => column !== 'hash')),
    };
    const hash =
      overrides.hash ??
      'sagaflow_event_hash((select hash from events p where p.stream_id = v.stream_id and p.version = v.version - 1), v.event_id, v.stream_id, v.version, v.event_type, v.schema_version, v.data, v.metadata, v.created_at)';
    const columns = Object.keys(values);
    return `with v as (select ${columns.map((c) => `${values[c]} as ${c}`).join(', ')})
            insert into events (${columns.join(', ')}, hash) select ${columns.map((c) => `v.${c}`).join(', ')}, ${hash} from v`;
  };

  it('the application role cannot insert into events directly, nor call the append functions\' inner steps', async () => {
    await expect(app.query(forgedInsert(3))).rejects.toMatchObject({ code: '42501' });
    await expect(app.query(`select sagaflow_queue_for_stream('${streamId}')`)).rejects.toMatchObject({ code: '42501' });
    await expect(app.query(`select sagaflow_refuse_archived('${streamId}')`)).rejects.toMatchObject({ code: '42501' });
    expect(await countEvents(db, streamId)).toBe(2);
  });

  it('the application role appends through sagaflow_append_events, which computes version, position, transaction and hash', async () => {
    const id = randomUUID();
    const { rows } = await app.query<{ version_ok: boolean; positions: string[] }>(
      `select version_ok, positions from sagaflow_append_events('${streamId}', 'Order', 'exact', 2, array['${id}']::uuid[], array['OrderCompleted'], array[1], array['{"orderId":"${orderId}"}']::jsonb[], array['{}']::jsonb[], false)`,
    );
    expect(rows[0]!.version_ok).toBe(true);
    const stored = await testEventStore(db).readStream(streamId);
    expect(stored.map((e) => [e.version, e.eventId])[2]).toEqual([3, id]);
    expect(await testEventStore(db).verifyStream(streamId)).toEqual({ eventsChecked: 3, brokenCount: 0 });
  });

  it.each([
    ['a forged transaction id', { transaction_id: `'1000000000000'::xid8` }, /transaction_id 1000000000000 is not the inserting transaction's/],
    ['a position the sequence never gave', { global_position: '1000000000000' }, /global_position 1000000000000 was not taken from events_global_position_seq/],
    ['a junk hash', { hash: `'\\xdeadbeef'::bytea` }, /has a hash that is not the chain's/],
    ['a time the log would not record', { created_at: `'2020-01-01T00:00:00.123456Z'::timestamptz` }, /has a time that is not the log's/],
    ['a version gap', { version: '10::bigint' }, /version 10 of stream .* does not follow an event/],
    ['a stream type that is not the stream id\'s', { stream_type: `'Invoice'` }, /stream_type Invoice is not the type of the stream/],
  ])('even the owner cannot insert a row with %s', async (_, overrides, message) => {
    const before = await countEvents(db);
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    try {
      // The same insert with nothing forged is accepted: the refusal below is the forged column's.
      await owner.query('begin');
      await owner.query(forgedInsert(4));
      await owner.query('rollback');
      await expect(owner.query(forgedInsert(4, overrides))).rejects.toMatchObject({ code: '23000', message: expect.stringMatching(message) });
    } finally {
      await owner.end();
    }
    expect(await countEvents(db)).toBe(before);
  });

  it('global_position is unique even with the guard switched off', async () => {
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    try {
      await owner.query('set session_replication_role = replica');
      await expect(owner.query(forgedInsert(4, { global_position: '1' }))).rejects.toMatchObject({
        code: '23505',
        constraint: 'events_global_position_key',
      });
    } finally {
      await owner.end();
    }
  });
});
