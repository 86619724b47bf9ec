import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { composition } from '../../../processes';
import { useTestDatabase } from '../../support/database';
import { appendOrder } from '../../support/orderScenarios';
import { testEventStore } from '../../support/eventStore';

const closingTypes = composition.retention.find((r) => r.streamType === 'Order')!.closingEventTypes;

/**
 * Who may take events out of the hot table: plain SQL sessions, as psql would send it, as the
 * application role, as the archiver role and as the tables' owner.
 */
describe('the archive path is the only way out of the hot table', () => {
  const db = useTestDatabase();
  let streamId: string;

  beforeAll(async () => {
    streamId = `Order-${await appendOrder(testEventStore(db), 'completed')}`;
  });

  /** Runs `statement` in a transaction as `role` (none: the owner), rolled back after. */
  async function as(role: string | null, statement: string, params: unknown[] = []): Promise<pg.QueryResult> {
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      if (role) await client.query(`set local role ${role}`);
      return await client.query(statement, params);
    } finally {
      await client.query('rollback');
      client.release();
    }
  }
  const archiveCall = 'select * from sagaflow_archive_streams($1::text[], $2::text[], now() + interval \'1 minute\')';
  const hotEvents = async () => Number((await db.pool.query<{ n: string }>('select count(*) as n from events where stream_id = $1', [streamId])).rows[0]!.n);

  it.each([
    ['delete from events', /permission denied for table events/],
    ['insert into events_archive select *, now() from events', /permission denied for table events_archive/],
    ['update events_archive set data = data', /permission denied for table events_archive/],
    ['delete from events_archive', /permission denied for table events_archive/],
  ])('the application role cannot run %s', async (sql, refusal) => {
    await expect(as('sagaflow_app', sql)).rejects.toThrow(refusal);
    expect(await hotEvents()).toBe(6);
  });

  it('the application role cannot call the archive function, nor switch the archive path on to delete', async () => {
    await expect(as('sagaflow_app', archiveCall, [[streamId], closingTypes])).rejects.toThrow(/permission denied for function sagaflow_archive_streams/);
    await expect(as('sagaflow_app', "set local sagaflow.archive_path = 'on'; delete from events")).rejects.toThrow(/permission denied for table events/);
    expect(await hotEvents()).toBe(6);
  });

  it('the application role reads the archive and the whole log', async () => {
    expect((await as('sagaflow_app', 'select count(*)::int as n from events_log where stream_id = $1', [streamId])).rows[0]).toEqual({ n: 6 });
    expect((await as('sagaflow_app', 'select count(*)::int as n from events_archive')).rows[0]).toEqual({ n: 0 });
  });

  it('even the owner cannot delete from events outside the archive path, nor write into the archive by hand', async () => {
    await expect(as(null, 'delete from events where stream_id = $1', [streamId])).rejects.toThrow(/events are immutable: DELETE on events is not allowed/);
    await expect(as(null, 'insert into events_archive select *, now() from events where stream_id = $1', [streamId])).rejects.toThrow(
      /rows enter only through sagaflow_archive_streams/,
    );
  });

  it('the archiver role archives through the function, leaving the archive as immutable as the log', async () => {
    const moved = (await as('sagaflow_archiver', archiveCall, [[streamId], closingTypes])).rows;
    expect(moved).toEqual([{ stream_id: streamId, outcome: 'archived', events: '6' }]);
    await expect(as('sagaflow_archiver', 'delete from events')).rejects.toThrow(/permission denied for table events/);

    const orderId = randomUUID();
    await appendOrder(testEventStore(db), 'completed', orderId);
    await db.pool.query(archiveCall, [[`Order-${orderId}`], closingTypes]);
    for (const [op, sql] of [
      ['UPDATE', `update events_archive set data = '{}'`],
      ['DELETE', 'delete from events_archive'],
      ['TRUNCATE', 'truncate events_archive'],
    ]) {
      await expect(as(null, sql!)).rejects.toMatchObject({ message: `events are immutable: ${op} on events_archive is not allowed` });
    }
  });
});
