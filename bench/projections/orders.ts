import { randomUUID } from 'node:crypto';
import type { OrderEvent } from '../../processes/orderFulfillment/domainEvents';
import type { ImportEvent, NewEvent } from '../../src/eventstore';
import { Rng } from '../lib/payloads';

/** Share of orders that complete; the others are declined and compensated. */
export const HAPPY_PERCENT = 80;
export const HAPPY_EVENTS = 7;
export const COMPENSATED_EVENTS = 6;

/** One order's stream as the order saga writes it: 7 events when it completes, 6 when payment is declined and undone. */
export function orderStream(rng: Rng): { streamId: string; events: OrderEvent[] } {
  const orderId = rng.uuid();
  const items = Array.from({ length: rng.int(1, 3) }, () => ({ sku: `sku-${rng.int(1, 500)}`, quantity: rng.int(1, 4) }));
  const totalCents = rng.int(500, 50_000);
  const paymentId = `pay-${orderId}`;
  const reservationId = `res-${orderId}`;
  const head: OrderEvent[] = [
    { type: 'OrderPlaced', data: { orderId, customerId: `cust-${rng.int(1, 10_000)}`, items, totalCents, currency: 'EUR' } },
    { type: 'InventoryReserved', data: { orderId, reservationId, items } },
    { type: 'FraudScreened', data: { orderId, score: rng.int(0, 40), decision: 'accepted', reasons: [] } },
  ];
  const tail: OrderEvent[] =
    rng.int(1, 100) <= HAPPY_PERCENT
      ? [
          { type: 'PaymentAuthorized', data: { orderId, paymentId, amountCents: totalCents } },
          { type: 'ShipmentCreated', data: { orderId, shipmentId: `ship-${orderId}`, carrier: 'dhl' } },
          { type: 'PaymentCaptured', data: { orderId, paymentId, amountCents: totalCents } },
          { type: 'OrderCompleted', data: { orderId } },
        ]
      : [
          { type: 'PaymentDeclined', data: { orderId, reason: 'insufficient funds' } },
          { type: 'InventoryReleased', data: { orderId, reservationId, reason: 'order compensated' } },
          { type: 'OrderCancelled', data: { orderId, reason: 'payment declined: insufficient funds', failedStep: 'authorizePayment' } },
        ];
  return { streamId: `Order-${orderId}`, events: [...head, ...tail] };
}

export function newEvent(event: OrderEvent): NewEvent {
  return { eventId: randomUUID(), type: event.type, data: event.data, metadata: { correlationId: `order-${event.data.orderId}`, actor: 'bench' } };
}

/**
 * About `total` events of orders, interleaved as concurrent sagas write them: within each window of
 * orders, every order's first half comes before any second half, so streams spread over the log.
 */
export function* orderLog(total: number, rng: Rng, window = 200): Generator<ImportEvent> {
  let written = 0;
  while (written < total) {
    const orders = Array.from({ length: window }, () => orderStream(rng));
    for (const part of [0, 1]) {
      for (const { streamId, events } of orders) {
        const half = Math.ceil(events.length / 2);
        for (const event of part === 0 ? events.slice(0, half) : events.slice(half)) {
          yield { streamId, ...newEvent(event) };
          written++;
        }
      }
    }
  }
}
