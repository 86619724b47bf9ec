import { randomBytes, randomUUID } from 'node:crypto';
import { createEventStore, ERASED, personalDataFromEnv } from '../../../src/eventstore';
import { cliEnv, runSagaflow } from '../../support/cli';
import { contracts } from '../../support/contracts';
import { useTestDatabase } from '../../support/database';

describe('sagaflow subjects forget', () => {
  const db = useTestDatabase();
  const key = randomBytes(32).toString('base64');
  const sagaflow = (env: Record<string, string>, ...args: string[]) => runSagaflow(args, { ...cliEnv(db), ...env });
  const state = async () => (await db.pool.query<{ keys: string; events: string }>('select (select count(*) from subject_keys) as keys, (select count(*) from events) as events')).rows[0];

  it.each([
    [{}, ['cust-1'], /SAGAFLOW_ENCRYPTION_KEY must be set to the key the writers use/],
    [{ SAGAFLOW_ENCRYPTION_KEY: 'short' }, ['cust-1'], /SAGAFLOW_ENCRYPTION_KEY must be base64 of 32 random bytes/],
    [{ SAGAFLOW_ENCRYPTION_KEY: key }, [' '], /<subject> must be the id the personal fields are declared under: 1 to 200 characters/],
  ])('with %j and %j exits 2 naming what is wrong, and writes nothing', async (env, args, message) => {
    const before = await state();
    const run = await sagaflow(env, 'subjects', 'forget', ...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(await state()).toEqual(before);
  });

  it('erases the customer, and says so again without writing on a repeat', async () => {
    const store = createEventStore(db.pool, { contracts: contracts.withPersonalData(personalDataFromEnv(db.pool, { SAGAFLOW_ENCRYPTION_KEY: key })!) });
    const [orderId, customerId] = [randomUUID(), `cust-${randomUUID()}`];
    await store.append(`Order-${orderId}`, [{ type: 'OrderPlaced', data: { orderId, customerId, items: [{ sku: 'mug', quantity: 1 }], totalCents: 100, currency: 'USD' } }], {
      expectedVersion: 'no_stream',
    });

    const first = await sagaflow({ SAGAFLOW_ENCRYPTION_KEY: key }, 'subjects', 'forget', customerId);
    const afterFirst = await state();
    const again = await sagaflow({ SAGAFLOW_ENCRYPTION_KEY: key }, 'subjects', 'forget', customerId);

    expect(first).toMatchObject({ code: 0, stdout: expect.stringMatching(/^forgotten: the subject's key is destroyed; recorded in ErasedSubject-[0-9a-f]{64}\n$/) });
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/^already forgotten: no key to destroy; recorded before in ErasedSubject-[0-9a-f]{64}\n$/) });
    expect(await state()).toEqual(afterFirst);
    expect((await store.readStream(`Order-${orderId}`))[0]!.data).toMatchObject({ customerId: ERASED });
  });
});
