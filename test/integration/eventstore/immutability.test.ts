import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { contracts } from '../../support/contracts';
import { appendEvents, DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_MAX_METADATA_BYTES } from '../../../src/eventstore';
import { useTestDatabase } from '../../support/database';
import { orderPlaced, testEventStore } from '../../support/eventStore';

describe('immutability of the log', () => {
  const db = useTestDatabase();
  let streamId: string;
  beforeAll(async () => {
    const orderId = randomUUID();
    streamId = `Order-${orderId}`;
    await testEventStore(db).append(streamId, [orderPlaced(orderId)], { expectedVersion: 'no_stream' });
  });

  it.each([
    ['UPDATE', `update events set data = '{}'`],
    ['DELETE', 'delete from events'],
    ['TRUNCATE', 'truncate events'],
  ])('rejects %s even for the table owner, with a message saying what to do instead', async (op, sql) => {
    await expect(db.pool.query(sql)).rejects.toMatchObject({
      message: `events are immutable: ${op} on events is not allowed`,
      hint: 'Record a correction by appending a compensating event.',
    });
    expect((await db.pool.query('select count(*)::int as n from events')).rows[0]).toEqual({ n: 1 });
  });

  it('gives the application role SELECT on events and the append function, nothing else', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await client.query('set local role sagaflow_app');
      const orderId = randomUUID();
      await testEventStoreOnClient(client, `Order-${orderId}`, orderId);
      expect((await client.query('select count(*)::int as n from events')).rows[0]).toEqual({ n: 2 });
      await client.query('savepoint before_update');
      await expect(client.query(`update events set data = '{}'`)).rejects.toThrow(/permission denied for table events/);
      await client.query('rollback to savepoint before_update');
      await expect(client.query('delete from events')).rejects.toThrow(/permission denied for table events/);
    } finally {
      await client.query('rollback');
      client.release();
    }
    const { rows } = await db.pool.query(
      `select privilege_type from information_schema.role_table_grants where grantee = 'sagaflow_app' and table_name = 'events' order by 1`,
    );
    expect(rows.map((r: { privilege_type: string }) => r.privilege_type)).toEqual(['SELECT']);
  });
});

async function testEventStoreOnClient(client: pg.PoolClient, streamId: string, orderId: string) {
  await appendEvents(client, { contracts, maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES, maxMetadataBytes: DEFAULT_MAX_METADATA_BYTES, notifier: undefined }, streamId, [orderPlaced(orderId)], {
    expectedVersion: 'no_stream',
  });
}
