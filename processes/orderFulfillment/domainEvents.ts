import { z } from 'zod';
import { defineEvent, type EventOf, cents, compensationFailedFields, compensationResolvedFields, currency, eventRef as id, quantity, reason } from '../../api/eventstore';

export const OrderItem = z.object({ sku: id, quantity });
export type OrderItem = z.infer<typeof OrderItem>;

const orderRef = { orderId: id };
/** The customer is the subject of an order's personal data: forgetting them erases their id. */
const customer = { subject: 'customerId', fields: ['customerId'] };

/**
 * v1 stored the total in dollars as a decimal (a JSON number or a decimal string), which lost cents
 * to binary floating point in some clients. Kept so that stored v1 rows stay readable.
 */
export const OrderPlacedV1 = defineEvent(
  'OrderPlaced',
  1,
  z.object({
    ...orderRef,
    customerId: id,
    items: z.array(OrderItem).min(1),
    total: z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?$/, { message: 'must be a decimal amount like 19.99' })]),
  }),
  { personal: customer, description: 'An order was placed, its total in US dollars as a decimal; no longer written, read as v2 through orderPlacedV1ToV2.' },
);

/** v2: the total in integer cents, and its currency. */
export const OrderPlaced = defineEvent(
  'OrderPlaced',
  2,
  z.object({
    ...orderRef,
    customerId: id,
    items: z.array(OrderItem).min(1, { message: 'an order needs at least one item' }),
    totalCents: cents,
    currency,
  }),
  { personal: customer, description: "An order was placed: its customer, its items and its total in integer cents with the currency. Opens the order's stream." },
);

export const InventoryReserved = defineEvent('InventoryReserved', 1, z.object({ ...orderRef, reservationId: id, items: z.array(OrderItem).min(1) }), {
  description: 'Stock for every item of the order was set aside under one reservation.',
});
export const InventoryReleased = defineEvent('InventoryReleased', 1, z.object({ ...orderRef, reservationId: id, reason }), {
  description: 'A reservation was given back: the compensation of InventoryReserved.',
});
export const FraudScreened = defineEvent(
  'FraudScreened',
  1,
  z.object({ ...orderRef, score: z.number().int().min(0).max(100), decision: z.enum(['accepted', 'rejected']), reasons: z.array(reason) }),
  { description: 'The order was screened for fraud: a score from 0 to 100, the decision (rejected from 80 up) and its reasons.' },
);
export const PaymentAuthorized = defineEvent('PaymentAuthorized', 1, z.object({ ...orderRef, paymentId: id, amountCents: cents }), {
  description: "The order's total was authorized (held, not yet charged) on the customer's payment method.",
});
export const PaymentDeclined = defineEvent('PaymentDeclined', 1, z.object({ ...orderRef, reason }), {
  description: 'The payment provider refused the authorization: nothing was held and the order is compensated.',
});
export const PaymentVoided = defineEvent('PaymentVoided', 1, z.object({ ...orderRef, paymentId: id, reason }), {
  description: 'An authorization was voided before capture: the compensation of PaymentAuthorized.',
});
export const PaymentCaptured = defineEvent('PaymentCaptured', 1, z.object({ ...orderRef, paymentId: id, amountCents: cents }), {
  description: 'The authorized amount was captured: the customer was charged.',
});
export const PaymentRefunded = defineEvent('PaymentRefunded', 1, z.object({ ...orderRef, paymentId: id, amountCents: cents, reason }), {
  description: 'A captured payment was refunded: the compensation of PaymentCaptured.',
});
export const ShipmentCreated = defineEvent('ShipmentCreated', 1, z.object({ ...orderRef, shipmentId: id, carrier: id }), {
  description: "A shipment of the order's goods was booked with a carrier.",
});
export const ShipmentCancelled = defineEvent('ShipmentCancelled', 1, z.object({ ...orderRef, shipmentId: id, reason }), {
  description: 'A shipment was cancelled: the compensation of ShipmentCreated.',
});
export const OrderCompleted = defineEvent('OrderCompleted', 1, z.object({ ...orderRef }), {
  description: 'The order saga finished every step. Recorded by runs started before SagaCompleted; still read.',
});
export const OrderCancelled = defineEvent('OrderCancelled', 1, z.object({ ...orderRef, reason, failedStep: id.optional() }), {
  description: 'The order saga failed or was cancelled, and its compensations ran. Recorded by runs started before SagaFailed; still read.',
});
export const CompensationFailed = defineEvent('CompensationFailed', 1, z.object({ ...orderRef, ...compensationFailedFields }), {
  description: 'A compensation of the order saga still failed after its retries: the run waits for an operator. Recorded by runs started before SagaCompensationFailed.',
});
export const CompensationResolved = defineEvent('CompensationResolved', 1, z.object({ ...orderRef, ...compensationResolvedFields }), {
  description: 'An operator resolved a failed compensation of the order saga by hand. Recorded by runs started before SagaCompensationResolved.',
});

export const orderContracts = [
  OrderPlacedV1,
  OrderPlaced,
  InventoryReserved,
  InventoryReleased,
  FraudScreened,
  PaymentAuthorized,
  PaymentDeclined,
  PaymentVoided,
  PaymentCaptured,
  PaymentRefunded,
  ShipmentCreated,
  ShipmentCancelled,
  OrderCompleted,
  OrderCancelled,
  CompensationFailed,
  CompensationResolved,
];

type Latest =
  | typeof OrderPlaced
  | typeof InventoryReserved
  | typeof InventoryReleased
  | typeof FraudScreened
  | typeof PaymentAuthorized
  | typeof PaymentDeclined
  | typeof PaymentVoided
  | typeof PaymentCaptured
  | typeof PaymentRefunded
  | typeof ShipmentCreated
  | typeof ShipmentCancelled
  | typeof OrderCompleted
  | typeof OrderCancelled
  | typeof CompensationFailed
  | typeof CompensationResolved;

/** The order domain's events in their latest shapes, as a discriminated union on `type`. */
export type OrderEvent = EventOf<Latest>;
export type OrderEventType = OrderEvent['type'];
