import type { PlaceOrderInput } from '../../../src/contracts';
import { orderFulfillment, orderWorkflowId } from '../../../workflows/orderFulfillment';
import { waitFor } from '../../support/waitFor';
import type { Scenario, ScenarioClients } from './scenario';

const order = (orderId: string, simulate: PlaceOrderInput['simulate'] = {}): PlaceOrderInput => ({
  orderId,
  customerId: 'cust-history',
  items: [
    { sku: 'mug', quantity: 2, unitPriceCents: 1250 },
    { sku: 'beans', quantity: 1, unitPriceCents: 1800 },
  ],
  currency: 'USD',
  simulate: { fastRetries: true, ...simulate },
});

/** Runs an order to its end and gives back its workflow id; the result itself is not needed. */
async function finish({ orders }: ScenarioClients, input: PlaceOrderInput): Promise<string> {
  const { workflowId } = await orders.startOrder(input);
  await orders.awaitOrderResult(input.orderId);
  return workflowId;
}

const STEPS = ['reserveInventory', 'authorizePayment', 'createShipment', 'capturePayment'] as const;

/**
 * Every outcome of the order saga: completed, compensated after a failure at each step, declined,
 * refused as fraud, cancelled, parked then resolved or retried, and an OrderPlaced the store refuses.
 */
export const orderScenarios: Scenario[] = [
  { name: 'completed', run: (clients, key) => finish(clients, order(key)) },
  ...STEPS.map(
    (step): Scenario => ({ name: `compensated-at-${step}`, run: (clients, key) => finish(clients, order(key, { fail: { [step]: 'always' } })) }),
  ),
  { name: 'payment-declined', run: (clients, key) => finish(clients, order(key, { declinePayment: true })) },
  { name: 'fraud-rejected', run: (clients, key) => finish(clients, order(key, { flagFraud: true })) },
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
    async run({ orders }, key) {
      // The shipment hangs past its timeout, so the run is reliably mid-saga when the cancellation lands.
      const { workflowId } = await orders.startOrder(order(key, { hang: ['createShipment'] }));
      await waitFor(async () => (await orders.getOrderState(key)).steps.some((s) => s.name === 'createShipment'));
      await orders.cancelOrder(key);
      await orders.awaitOrderResult(key).catch(() => undefined); // ends cancelled: the rejection is the expected outcome
      return workflowId;
    },
  },
  {
    name: 'compensation-failed-then-resolved',
    async run({ orders }, key) {
      const { workflowId } = await orders.startOrder(order(key, { fail: { createShipment: 'always', voidPayment: 'always' } }));
      await waitFor(async () => (await orders.getOrderState(key)).status === 'COMPENSATION_FAILED');
      await orders.resolveCompensation(key, { note: 'voided by hand in the PSP console', resolvedBy: 'ops@example.com' });
      await orders.awaitOrderResult(key);
      return workflowId;
    },
  },
  {
    name: 'compensation-failed-then-retried',
    async run({ orders }, key) {
      // voidPayment fails three times: the whole fast retry budget, then succeeds when retried.
      const { workflowId } = await orders.startOrder(order(key, { fail: { createShipment: 'always', voidPayment: 3 } }));
      await waitFor(async () => (await orders.getOrderState(key)).status === 'COMPENSATION_FAILED');
      await orders.retryCompensation(key);
      await orders.awaitOrderResult(key);
      return workflowId;
    },
  },
];
