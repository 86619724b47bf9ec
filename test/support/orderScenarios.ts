import { randomUUID } from 'node:crypto';
import type { OrderEvent } from '../../processes/orderFulfillment/domainEvents';
import type { SagaEvent } from '../../src/contracts';
import { ORDER_LEGACY_SAGA_EVENTS } from '../../processes/orderFulfillment/legacy/sagaEvents';
import type { EventStore, NewEvent } from '../../src/eventstore';
import { SAGA_EVENTS, type SagaFact } from '../../src/saga/sagaEvents';
import { ORDER_SAGA_TYPE } from '../../processes/orderFulfillment/sagaType';

/**
 * Which types record the saga-level facts: the engine's (SagaCompleted, …), as runs write them
 * today, or the order's own (OrderCompleted, …), as runs started before them did.
 */
export type SagaEventStyle = 'engine' | 'legacy';

const ENGINE_TYPE_OF = new Map((Object.keys(SAGA_EVENTS) as SagaFact[]).map((fact) => [ORDER_LEGACY_SAGA_EVENTS[fact] as string, SAGA_EVENTS[fact]]));

/** The event as a run writes it today: an order's own saga-level event becomes the engine's, naming the saga type. */
function inEngineTypes(event: OrderEvent): OrderEvent | SagaEvent {
  const type = ENGINE_TYPE_OF.get(event.type);
  return type ? ({ type, data: { sagaType: ORDER_SAGA_TYPE, ...event.data } } as SagaEvent) : event;
}

/** How an order saga ended, as the order workflow writes it to the stream. */
export type OrderScenario = 'completed' | 'outOfStock' | 'declined' | 'shipmentFailed' | 'captureFailed' | 'compensationResolved';

export const ORDER_LINE = { sku: 'lamp', quantity: 2, unitPriceCents: 1500 };
const TOTAL = ORDER_LINE.quantity * ORDER_LINE.unitPriceCents;

/** The events of one order's stream in each scenario, in the order the saga appends them. */
export function orderEvents(orderId: string, scenario: OrderScenario, style: SagaEventStyle = 'engine'): Array<OrderEvent | SagaEvent> {
  const events = legacyOrderEvents(orderId, scenario);
  return style === 'engine' ? events.map(inEngineTypes) : events;
}

function legacyOrderEvents(orderId: string, scenario: OrderScenario): OrderEvent[] {
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
export async function appendOrder(store: EventStore, scenario: OrderScenario, orderId: string = randomUUID(), style: SagaEventStyle = 'engine'): Promise<string> {
  const events: NewEvent[] = orderEvents(orderId, scenario, style).map((event) => ({ eventId: randomUUID(), type: event.type, data: event.data }));
  await store.append(`Order-${orderId}`, events, { expectedVersion: 'no_stream' });
  return orderId;
}
