import { randomUUID } from 'node:crypto';
import type { OrderEvent } from '../../src/contracts';
import type { EventStore, NewEvent } from '../../src/eventstore';

/** How an order saga ended, as the order workflow writes it to the stream. */
export type OrderScenario = 'completed' | 'outOfStock' | 'declined' | 'shipmentFailed' | 'captureFailed' | 'compensationResolved';

export const ORDER_LINE = { sku: 'lamp', quantity: 2, unitPriceCents: 1500 };
const TOTAL = ORDER_LINE.quantity * ORDER_LINE.unitPriceCents;

/** The events of one order's stream in each scenario, in the order the saga appends them. */
export function orderEvents(orderId: string, scenario: OrderScenario): OrderEvent[] {
  const items = [{ sku: ORDER_LINE.sku, quantity: ORDER_LINE.quantity }];
  const reservationId = `res-${orderId}`;
  const paymentId = `pay-${orderId}`;
  const shipmentId = `ship-${orderId}`;
  const placed: OrderEvent = { type: 'OrderPlaced', data: { orderId, customerId: 'cust-7', items, totalCents: TOTAL, currency: 'EUR' } };
  const reserved: OrderEvent = { type: 'InventoryReserved', data: { orderId, reservationId, items } };
  const released: OrderEvent = { type: 'InventoryReleased', data: { orderId, reservationId, reason: 'order compensated' } };
  const authorized: OrderEvent = { type: 'PaymentAuthorized', data: { orderId, paymentId, amountCents: TOTAL } };
  const voided: OrderEvent = { type: 'PaymentVoided', data: { orderId, paymentId, reason: 'order compensated' } };
  const shipped: OrderEvent = { type: 'ShipmentCreated', data: { orderId, shipmentId, carrier: 'dhl' } };
  const unshipped: OrderEvent = { type: 'ShipmentCancelled', data: { orderId, shipmentId, reason: 'order compensated' } };
  const cancelled = (failedStep: string, reason: string): OrderEvent => ({ type: 'OrderCancelled', data: { orderId, reason, failedStep } });
  switch (scenario) {
    case 'completed':
      return [placed, reserved, authorized, shipped, { type: 'PaymentCaptured', data: { orderId, paymentId, amountCents: TOTAL } }, { type: 'OrderCompleted', data: { orderId } }];
    case 'outOfStock':
      return [placed, cancelled('reserveInventory', 'out of stock: lamp')];
    case 'declined':
      return [placed, reserved, { type: 'PaymentDeclined', data: { orderId, reason: 'insufficient funds' } }, released, cancelled('authorizePayment', 'payment declined: insufficient funds')];
    case 'shipmentFailed':
      // The shipment never happened, so cancelShipment records nothing.
      return [placed, reserved, authorized, voided, released, cancelled('createShipment', 'carrier unavailable')];
    case 'captureFailed':
      // Nothing was captured, so the refund records nothing.
      return [placed, reserved, authorized, shipped, unshipped, voided, released, cancelled('capturePayment', 'capture timed out')];
    case 'compensationResolved':
      return [
        placed,
        reserved,
        authorized,
        { type: 'CompensationFailed', data: { orderId, step: 'authorizePayment', error: 'void rejected by the bank', attempts: 3 } },
        { type: 'CompensationResolved', data: { orderId, step: 'authorizePayment', note: 'voided by phone', resolvedBy: 'ops-ana' } },
        released,
        cancelled('createShipment', 'carrier unavailable'),
      ];
  }
}

/** Appends a whole scenario to `Order-<id>` in one append. */
export async function appendOrder(store: EventStore, scenario: OrderScenario, orderId: string = randomUUID()): Promise<string> {
  const events: NewEvent[] = orderEvents(orderId, scenario).map((event) => ({ eventId: randomUUID(), type: event.type, data: event.data }));
  await store.append(`Order-${orderId}`, events, { expectedVersion: 'no_stream' });
  return orderId;
}
