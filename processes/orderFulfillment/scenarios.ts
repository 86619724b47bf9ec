import type { FaultPlan } from '../../src/adapters';
import { createOrderClient, type OrderClient } from './client';
import type { PlaceOrderInput } from './commands';
import type { Scenario, ScenarioContext } from '../../api/worker';
import { waitUntil } from '../../api/worker';
import { orderFulfillment, orderWorkflowId } from './workflow';

type ScenarioClients = ScenarioContext & { orders: OrderClient };
const clientsOf = (context: ScenarioContext): ScenarioClients => ({ ...context, orders: createOrderClient(context) });
const waitFor = (check: () => Promise<boolean>) => waitUntil(check, 'the scenario reached its point');

const order = (orderId: string): PlaceOrderInput => ({
  orderId,
  customerId: 'cust-history',
  items: [
    { sku: 'mug', quantity: 2, unitPriceCents: 1250 },
    { sku: 'beans', quantity: 1, unitPriceCents: 1800 },
  ],
  currency: 'USD',
});

/** Stores the order's fault plan with the simulated services, then starts it. */
async function start({ orders, faults }: ScenarioClients, orderId: string, plan: FaultPlan = {}): Promise<string> {
  if (Object.keys(plan).length > 0) await faults.plan(`${orderWorkflowId(orderId)}:`, plan);
  return (await orders.startOrder(order(orderId))).workflowId;
}

/** Runs an order to its end and gives back its workflow id; the result itself is not needed. */
async function finish(clients: ScenarioClients, orderId: string, plan: FaultPlan = {}): Promise<string> {
  const workflowId = await start(clients, orderId, plan);
  await clients.orders.awaitOrderResult(orderId);
  return workflowId;
}

const STEPS = ['reserveInventory', 'authorizePayment', 'createShipment', 'capturePayment'] as const;

/**
 * Every outcome of the order saga: completed, compensated after a failure at each step, declined,
 * refused as fraud, cancelled, parked then resolved or retried, and an OrderPlaced the store refuses.
 */
export const orderScenarios: Scenario[] = [
  { name: 'completed', run: (context, key) => finish(clientsOf(context), key) },
  ...STEPS.map(
    (step): Scenario => ({ name: `compensated-at-${step}`, run: (context, key) => finish(clientsOf(context), key, { fail: { [step]: 'always' } }) }),
  ),
  { name: 'payment-declined', run: (context, key) => finish(clientsOf(context), key, { declinePayment: true }) },
  { name: 'fraud-rejected', run: (context, key) => finish(clientsOf(context), key, { flagFraud: true }) },
  {
    name: 'opening-refused',
    async run({ client, taskQueue }, key) {
      // Started past the client, which refuses this price: the total, 1.8e16 cents, is past 2^53, so the store refuses OrderPlaced.
      const input = { ...order(key), items: [{ sku: 'mug', quantity: 2, unitPriceCents: 9_000_000_000_000_000 }] };
      const handle = await client.workflow.start(orderFulfillment, { taskQueue, workflowId: orderWorkflowId(key), args: [input] });
      await handle.result().catch(() => undefined); // the run fails: that is the outcome recorded
      return handle.workflowId;
    },
  },
  {
    name: 'cancelled',
    async run(context, key) {
      const clients = clientsOf(context);
      const { orders } = clients;
      // The shipment hangs past its timeout, so the run is reliably mid-saga when the cancellation lands.
      const workflowId = await start(clients, key, { hang: ['createShipment'] });
      await waitFor(async () => (await orders.getOrderState(key)).steps.some((s) => s.name === 'createShipment'));
      await orders.cancelOrder(key);
      await orders.awaitOrderResult(key).catch(() => undefined); // ends cancelled: the rejection is the expected outcome
      return workflowId;
    },
  },
  {
    name: 'compensation-failed-then-resolved',
    async run(context, key) {
      const clients = clientsOf(context);
      const { orders } = clients;
      const workflowId = await start(clients, key, { fail: { createShipment: 'always', voidPayment: 'always' } });
      await waitFor(async () => (await orders.getOrderState(key)).status === 'COMPENSATION_FAILED');
      await orders.resolveCompensation(key, { note: 'voided by hand in the PSP console', resolvedBy: 'ops@example.com' });
      await orders.awaitOrderResult(key);
      return workflowId;
    },
  },
  {
    name: 'compensation-failed-then-retried',
    async run(context, key) {
      const clients = clientsOf(context);
      const { orders } = clients;
      // voidPayment fails three times: the whole fast retry budget, then succeeds when retried.
      const workflowId = await start(clients, key, { fail: { createShipment: 'always', voidPayment: 3 } });
      await waitFor(async () => (await orders.getOrderState(key)).status === 'COMPENSATION_FAILED');
      await orders.retryCompensation(key);
      await orders.awaitOrderResult(key);
      return workflowId;
    },
  },
];
