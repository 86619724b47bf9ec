import { randomBytes, randomUUID } from 'node:crypto';
import { createEventStore, ERASED, forgetSubject, isErased, personalDataFromEnv, withPersonalDataFromEnv } from '../../../src/eventstore';
import { rebuildProjection } from '../../../src/projections';
import { contracts as deploymentContracts } from '../../support/contracts';
import { useTestDatabase } from '../../support/database';
import { tablesHolding } from '../../support/erasure';
import { catchUp } from '../../support/projections';
import { readModels } from '../../support/readModels';
import { useSagaWorker } from '../../support/sagaWorker';

/**
 * The test on real runs: order sagas on a real worker (configured by
 * SAGAFLOW_ENCRYPTION_KEY, as a deployment is), their read models, then the customer forgotten.
 * The simulated services' tables (sim_*) stand for other companies' systems, whose erasure is theirs.
 */
describe('forgetting a customer after real order sagas', () => {
  const db = useTestDatabase();
  const key = randomBytes(32).toString('base64');
  // Before the worker is made: it reads the key when it starts.
  beforeAll(() => {
    process.env.SAGAFLOW_ENCRYPTION_KEY = key;
  });
  afterAll(() => {
    delete process.env.SAGAFLOW_ENCRYPTION_KEY;
  });
  const rig = useSagaWorker(db);

  it('leaves the customer id nowhere in the database after a rebuild of every read model, and the chain verifies', async () => {
    const customerId = `forget-me-${randomBytes(6).toString('hex')}`;
    const orderIds = [randomUUID(), randomUUID()];
    for (const orderId of orderIds) {
      await rig.orders.startOrder({ orderId, customerId, items: [{ sku: 'mug', quantity: 1, unitPriceCents: 1250 }], currency: 'USD' });
      expect((await rig.orders.awaitOrderResult(orderId)).outcome).toBe('COMPLETED');
    }
    const contracts = withPersonalDataFromEnv(db.pool, deploymentContracts, { SAGAFLOW_ENCRYPTION_KEY: key });
    await catchUp(db.pool, readModels, 500, contracts);
    expect(await tablesHolding(db, customerId, { except: 'sim\\_%' })).toEqual(['order_summary_v2']);

    await forgetSubject(db.pool, personalDataFromEnv(db.pool, { SAGAFLOW_ENCRYPTION_KEY: key })!, customerId);
    for (const projection of readModels) await rebuildProjection(db.pool, projection, { contracts, partitions: 2, batchSize: 50 });

    const store = createEventStore(db.pool, { contracts });
    expect(await store.verifyAll()).toMatchObject({ brokenCount: 0 });
    expect(await tablesHolding(db, customerId, { except: 'sim\\_%' })).toEqual([]);
    // A read model's text column holds the marker as JSON text: its readers parse it and test isErased.
    const { rows } = await db.pool.query<{ customer_id: string }>('select customer_id from order_summary where order_id = any($1::text[])', [orderIds]);
    expect(rows.map((r) => isErased(JSON.parse(r.customer_id)))).toEqual([true, true]);
    for (const orderId of orderIds) {
      const placed = (await store.readStream(`Order-${orderId}`)).find((e) => e.type === 'OrderPlaced')!;
      expect(placed.data).toMatchObject({ orderId, customerId: ERASED });
    }
  });

});
