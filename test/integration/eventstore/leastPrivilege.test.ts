import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { useTestDatabase } from '../../support/database';
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
    await db.pool.query(`drop owned by ${login}`);
    await db.pool.query(`drop role if exists ${login}`);
  });

  const row = (overrides: Record<string, string> = {}) => {
    const values: Record<string, string> = {
      event_id: `'${randomUUID()}'`,
      stream_id: `'${streamId}'`,
      stream_type: `'Order'`,
      version: '3',
      event_type: `'OrderCompleted'`,
      schema_version: '1',
      data: `'{"orderId":"${orderId}"}'`,
      metadata: `'{}'`,
      ...overrides,
    };
    return { names: Object.keys(values).join(', '), values: Object.values(values).join(', ') };
  };

  it('the application role cannot insert into events directly, nor call the append function\'s inner step', async () => {
    const { names, values } = row();
    await expect(app.query(`insert into events (${names}) values (${values})`)).rejects.toMatchObject({ code: '42501' });
    await expect(
      app.query(`select * from sagaflow_append_attempt('${streamId}', 'Order', 'any', null, array['${randomUUID()}']::uuid[], array['OrderCompleted'], array[1], array['{"orderId":"${orderId}"}']::jsonb[], array['{}']::jsonb[], false)`),
    ).rejects.toMatchObject({ code: '42501' });
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
    ['a forged transaction id', { transaction_id: `'1000000000000'::xid8` }, /computed by the log; this row brings transaction_id 1000000000000/],
    ['a reused global position', { global_position: '1' }, /computed by the log; this row brings global_position 1/],
    ['a junk hash', { hash: `'\\xdeadbeef'::bytea` }, /computed by the log; this row brings a hash/],
    ['a version gap', { version: '10' }, /version 10 of stream .* does not follow an event/],
    ['a stream type that is not the stream id\'s', { stream_type: `'Invoice'` }, /stream_type Invoice is not the type of stream/],
  ])('even the owner cannot insert a row with %s', async (_, overrides, message) => {
    const before = await countEvents(db);
    const { names, values } = row({ version: '4', ...overrides });
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    try {
      await expect(owner.query(`insert into events (${names}) values (${values})`)).rejects.toMatchObject({ code: '23000', message: expect.stringMatching(message) });
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
      const { names, values } = row({ version: '4', global_position: '1', transaction_id: 'pg_current_xact_id()', hash: `'\\x00'::bytea` });
      await expect(owner.query(`insert into events (${names}) values (${values})`)).rejects.toMatchObject({
        code: '23505',
        constraint: 'events_global_position_key',
      });
    } finally {
      await owner.end();
    }
  });
});
