import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { createEventStore, ERASED, forgetSubject, MasterKey, PersonalDataCipher, PostgresKeyStore } from '../../../src/eventstore';
import { contracts } from '../../support/contracts';
import { useTestDatabase } from '../../support/database';
import { testEnv } from '../../support/env';

/** Who may make, read and destroy subject keys: login roles granted the migration's roles, through the store and plain SQL. */
describe('subject key privileges', () => {
  const db = useTestDatabase();
  const master = MasterKey.parse(randomBytes(32).toString('base64'));
  const suffix = randomBytes(4).toString('hex');
  const logins = { app: `app_${suffix}`, eraser: `eraser_${suffix}` };
  const pools: Record<string, pg.Pool> = {};
  const cipherOn = (pool: pg.Pool) => new PersonalDataCipher(new PostgresKeyStore(pool, master), master);

  beforeAll(async () => {
    for (const [who, login] of Object.entries(logins)) {
      await db.pool.query(`create role ${login} login password 'pw'`);
      await db.pool.query(`grant ${who === 'app' ? 'sagaflow_app' : 'sagaflow_eraser'} to ${login}`);
      const url = new URL(db.url);
      url.username = login;
      url.password = 'pw';
      pools[who] = new pg.Pool({ connectionString: url.toString(), max: 2 });
      pools[who].on('error', () => undefined); // idle sessions ended by the database's drop at the end of the file
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(pools).map((pool) => pool.end()));
    const admin = new pg.Client({ connectionString: testEnv('postgresAdminUrl') });
    await admin.connect();
    try {
      for (const login of Object.values(logins)) await admin.query(`drop role if exists ${login}`);
    } finally {
      await admin.end();
    }
  });

  it('the application role makes and reads keys as it appends and reads, and cannot destroy or change one', async () => {
    const store = createEventStore(pools.app!, { contracts: contracts.withPersonalData(cipherOn(pools.app!)) });
    const [orderId, customerId] = [randomUUID(), `cust-${randomUUID()}`];
    await store.append(`Order-${orderId}`, [{ type: 'OrderPlaced', data: { orderId, customerId, items: [{ sku: 'mug', quantity: 1 }], totalCents: 1, currency: 'USD' } }], {
      expectedVersion: 'no_stream',
    });
    expect((await store.readStream(`Order-${orderId}`))[0]!.data).toMatchObject({ customerId });
    await expect(pools.app!.query('delete from subject_keys')).rejects.toThrow(/permission denied for table subject_keys/);
    await expect(pools.app!.query('update subject_keys set wrapped_key = wrapped_key')).rejects.toThrow(/permission denied for table subject_keys/);
    await expect(forgetSubject(pools.app!, cipherOn(pools.app!), customerId)).rejects.toThrow(/permission denied for table subject_keys/);
    expect((await store.readStream(`Order-${orderId}`))[0]!.data).toMatchObject({ customerId });
  });

  it('the eraser role forgets a subject, and may not write keys or events by hand', async () => {
    const writer = createEventStore(db.pool, { contracts: contracts.withPersonalData(cipherOn(db.pool)) });
    const [orderId, customerId] = [randomUUID(), `cust-${randomUUID()}`];
    await writer.append(`Order-${orderId}`, [{ type: 'OrderPlaced', data: { orderId, customerId, items: [{ sku: 'mug', quantity: 1 }], totalCents: 1, currency: 'USD' } }], {
      expectedVersion: 'no_stream',
    });

    expect(await forgetSubject(pools.eraser!, cipherOn(pools.eraser!), customerId)).toMatchObject({ outcome: 'forgotten' });

    expect((await writer.readStream(`Order-${orderId}`))[0]!.data).toMatchObject({ customerId: ERASED });
    await expect(pools.eraser!.query(`insert into subject_keys (subject_ref, wrapped_key) values ('x', '\\x00')`)).rejects.toThrow(/permission denied for table subject_keys/);
    await expect(pools.eraser!.query('delete from events')).rejects.toThrow(/permission denied for table events/);
  });
});
