import { z } from 'zod';
import { defineEvent, type EventOf } from '../../src/eventstore/contracts';
import { cents, compensationFailedFields, compensationResolvedFields, currency, eventRef as id, quantity, reason } from '../../src/contracts/fields';

export const OrderItem = z.object({ sku: id, quantity });
export type OrderItem = z.infer<typeof OrderItem>;

const orderRef = { orderId: id };

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
);

export const InventoryReserved = defineEvent('InventoryReserved', 1, z.object({ ...orderRef, reservationId: id, items: z.array(OrderItem).min(1) }));
export const InventoryReleased = defineEvent('InventoryReleased', 1, z.object({ ...orderRef, reservationId: id, reason }));
export const FraudScreened = defineEvent(
  'FraudScreened',
  1,
  z.object({ ...orderRef, score: z.number().int().min(0).max(100), decision: z.enum(['accepted', 'rejected']), reasons: z.array(reason) }),
);
export const PaymentAuthorized = defineEvent('PaymentAuthorized', 1, z.object({ ...orderRef, paymentId: id, amountCents: cents }));
export const PaymentDeclined = defineEvent('PaymentDeclined', 1, z.object({ ...orderRef, reason }));
export const PaymentVoided = defineEvent('PaymentVoided', 1, z.object({ ...orderRef, paymentId: id, reason }));
export const PaymentCaptured = defineEvent('PaymentCaptured', 1, z.object({ ...orderRef, paymentId: id, amountCents: cents }));
export const PaymentRefunded = defineEvent('PaymentRefunded', 1, z.object({ ...orderRef, paymentId: id, amountCents: cents, reason }));
export const ShipmentCreated = defineEvent('ShipmentCreated', 1, z.object({ ...orderRef, shipmentId: id, carrier: id }));
export const ShipmentCancelled = defineEvent('ShipmentCancelled', 1, z.object({ ...orderRef, shipmentId: id, reason }));
export const OrderCompleted = defineEvent('OrderCompleted', 1, z.object({ ...orderRef }));
export const OrderCancelled = defineEvent('OrderCancelled', 1, z.object({ ...orderRef, reason, failedStep: id.optional() }));
/** A compensation that still failed after its retry budget: the saga waits for an operator. */
export const CompensationFailed = defineEvent('CompensationFailed', 1, z.object({ ...orderRef, ...compensationFailedFields }));
/** An operator resolved a failed compensation by hand. */
export const CompensationResolved = defineEvent('CompensationResolved', 1, z.object({ ...orderRef, ...compensationResolvedFields }));

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
