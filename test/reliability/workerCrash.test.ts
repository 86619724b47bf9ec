import { randomUUID } from 'node:crypto';
import { createOrderClient } from '../../processes/orderFulfillment/client';
import type { FaultPlan } from '../../src/adapters';
import type { PlaceOrderInput } from '../../processes/orderFulfillment/commands';
import { orderWorkflowId } from '../../processes/orderFulfillment/workflow';
import { planFaults } from '../support/faults';
import { useTestDatabase } from '../support/database';
import { testEventStore } from '../support/eventStore';
import { connectTestTemporal, type TestTemporal } from '../support/temporal';
import { spawnSagaWorker, type WorkerProcess } from '../support/workerProcess';
import { waitFor } from '../support/waitFor';

describe('saga worker crashes (a real worker process, SIGKILLed)', () => {
  const db = useTestDatabase();
  let temporal: TestTemporal;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    temporal = await connectTestTemporal();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await temporal?.close();
  });

  const start = async (taskQueue: string) => {
    const worker = await spawnSagaWorker({ databaseUrl: db.url, taskQueue, crashOnPlan: true });
    workers.push(worker);
    return worker;
  };
  /** A new order, with its fault plan stored in the simulated services before it starts. */
  const order = async (faults: FaultPlan): Promise<PlaceOrderInput> => {
    const orderId = randomUUID();
    await planFaults(db.pool, orderWorkflowId(orderId), faults);
    return { orderId, customerId: 'cust-7', items: [{ sku: 'lamp', quantity: 1, unitPriceCents: 5900 }], currency: 'EUR' };
  };
  const eventTypes = async (orderId: string) => (await testEventStore(db).readStream(`Order-${orderId}`)).map((e) => e.type);

  it('an activity killed after its side effect, before reporting, charges once and records once', async () => {
    const taskQueue = `crash-${randomUUID()}`;
    const orders = createOrderClient({ client: temporal.client, taskQueue });
    const input = await order({ crashWorkerAfter: 'authorizePayment' });
    const first = await start(taskQueue);

    await orders.startOrder(input);
    expect(await first.exited).toBe('SIGKILL');
    await start(taskQueue);
    const result = await orders.awaitOrderResult(input.orderId);

    expect(result.outcome).toBe('COMPLETED');
    expect(await eventTypes(input.orderId)).toEqual(['OrderPlaced', 'InventoryReserved', 'FraudScreened', 'PaymentAuthorized', 'ShipmentCreated', 'PaymentCaptured', 'SagaCompleted']);
    const { rows } = await db.pool.query<{ n: number }>(`select count(*)::int as n from sim_payments where order_id = $1`, [input.orderId]);
    expect(rows[0]!.n).toBe(1);
  }, 60_000);

  it('a worker SIGKILLed mid-saga is replaced and the saga finishes, every event once', async () => {
    const taskQueue = `crash-${randomUUID()}`;
    const orders = createOrderClient({ client: temporal.client, taskQueue });
    const input = await order({ hang: ['createShipment'] });
    const first = await start(taskQueue);

    await orders.startOrder(input);
    await waitFor(async () => (await orders.getOrderState(input.orderId)).steps.some((s) => s.name === 'createShipment'));
    first.child.kill('SIGKILL');
    await first.exited;
    await start(taskQueue);
    const result = await orders.awaitOrderResult(input.orderId);

    expect(result.outcome).toBe('COMPLETED');
    expect(await eventTypes(input.orderId)).toEqual(['OrderPlaced', 'InventoryReserved', 'FraudScreened', 'PaymentAuthorized', 'ShipmentCreated', 'PaymentCaptured', 'SagaCompleted']);
  }, 60_000);
});
