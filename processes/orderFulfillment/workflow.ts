import { patched } from '@temporalio/workflow';
import type { OrderSteps } from './steps';
import { formatMoney, STEP_ENGINE_PATCH, StepSaga, type SagaResult } from '../../api/workflow';
import type { PlaceOrderInput } from './commands';
import { orderLines, orderPlacedData, orderTotalCents } from './openingEvent';
import { orderFulfillmentV1 } from './legacy/orderFulfillmentV1';
import { ORDER_SAGA_TYPE } from './sagaType';
import { CustomerId, OrderId } from './searchAttributes';

export interface OrderFulfillmentResult extends SagaResult<{ paymentId: string; shipmentId: string }> {
  orderId: string;
}

/** The workflow id of an order's saga: one run per order, found again from the business key. */
export function orderWorkflowId(orderId: string): string {
  return `order-${orderId}`;
}

/**
 * An order: reserve inventory → screen for fraud → authorize payment → create shipment → capture
 * payment → complete. A failure (or a cancellation) undoes what happened, last first: refund, cancel
 * the shipment, void the payment, release the stock. Every step records its event in the order's stream.
 */
export async function orderFulfillment(input: PlaceOrderInput): Promise<OrderFulfillmentResult> {
  if (!patched(STEP_ENGINE_PATCH)) return orderFulfillmentV1(input);
  const { orderId, customerId, currency } = input;
  const items = orderLines(input.items);
  const amountCents = orderTotalCents(input);
  const count = items.reduce((sum, line) => sum + line.quantity, 0);
  const goods = `${count} item${count === 1 ? '' : 's'}`;
  const total = formatMoney(amountCents, currency);

  const saga = new StepSaga<OrderSteps>({
    sagaType: ORDER_SAGA_TYPE,
    streamId: `Order-${orderId}`,
    subject: { orderId },
    searchAttributes: [
      { key: OrderId, value: orderId },
      { key: CustomerId, value: customerId },
    ],
  });

  return saga.run(async () => {
    await saga.open('OrderPlaced', orderPlacedData(input));
    await saga.step('reserveInventory', { orderId, items }, {
      summary: `Reserve ${goods}`,
      undo: { step: 'releaseInventory', summary: `Release ${goods}`, input: (reserved) => ({ orderId, ...reserved }) },
    });
    await saga.step('screenOrder', { orderId, customerId, amountCents }, { summary: `Screen ${total} for fraud` });
    const { paymentId } = await saga.step('authorizePayment', { orderId, customerId, amountCents, currency }, {
      summary: `Authorize ${total}`,
      undo: { step: 'voidPayment', summary: `Void the ${total} authorization`, input: (authorized) => ({ orderId, ...authorized }) },
    });
    const { shipmentId } = await saga.step('createShipment', { orderId, items }, {
      summary: `Ship ${goods}`,
      undo: { step: 'cancelShipment', summary: `Cancel the shipment of ${goods}`, input: (shipped) => ({ orderId, ...shipped }) },
    });
    await saga.step('capturePayment', { orderId, paymentId, amountCents }, {
      summary: `Capture ${total}`,
      undo: { step: 'refundPayment', summary: `Refund ${total}`, input: () => ({ orderId, paymentId, amountCents }) },
    });
    return { paymentId, shipmentId };
  }, { orderId });
}
