import type { OrderEvent, OrderEventType } from '../domainEvents';
import { ORDER_LEGACY_SAGA_EVENTS } from '../legacy/sagaEvents';
import type { StoredEvent } from '../../../api/projections';
import { ORDER_SAGA_TYPE } from '../sagaType';
import { ProcessSagaFacts } from '../../../api/projections';

/** Every order event type: the read models that follow whole orders read all of them. */
export const ORDER_EVENT_TYPES: readonly OrderEventType[] = [
  'OrderPlaced',
  'InventoryReserved',
  'InventoryReleased',
  'FraudScreened',
  'PaymentAuthorized',
  'PaymentDeclined',
  'PaymentVoided',
  'ShipmentCreated',
  'ShipmentCancelled',
  'PaymentCaptured',
  'PaymentRefunded',
  'OrderCompleted',
  'OrderCancelled',
  'CompensationFailed',
  'CompensationResolved',
];

export { ORDER_SAGA_TYPE };

/** The order saga's saga-level facts: the engine's events of its type, read as the order's own types. */
export const ORDER_SAGA_FACTS = new ProcessSagaFacts(ORDER_SAGA_TYPE, ORDER_LEGACY_SAGA_EVENTS);

/** Every event type an order stream holds: what the read models that follow whole orders subscribe to (keeping ORDER_SAGA_FACTS.concerns). */
export const ORDER_STREAM_EVENT_TYPES: readonly string[] = [...ORDER_EVENT_TYPES, ...ORDER_SAGA_FACTS.engineTypes];

/**
 * The event as the order union, narrowed by `type`: an engine event of the order saga reads as the
 * order's own type for its fact (SagaCompleted as OrderCompleted). The store validated it against
 * its contract when it was appended, and the two carry the same fields.
 */
export function asOrderEvent(event: StoredEvent): OrderEvent {
  return { type: ORDER_SAGA_FACTS.typeOf(event.type), data: event.data } as OrderEvent;
}

/** Every order event names its order. */
export function orderIdOf(event: StoredEvent): string {
  return (event.data as { orderId: string }).orderId;
}

/** The saga step an action event records, and for a compensation the step it undoes. */
export interface StepOf {
  step: string;
  compensates?: string;
  failed?: boolean;
}

/** The compensation of each action step, by the names the order saga gives them. */
export const UNDO_STEP: Readonly<Record<string, string>> = {
  reserveInventory: 'releaseInventory',
  authorizePayment: 'voidPayment',
  createShipment: 'cancelShipment',
  capturePayment: 'refundPayment',
};

// Own keys only: a step named like an Object.prototype member ("toString") must not find a function.
const undoStepOf = (step: string): string => (Object.hasOwn(UNDO_STEP, step) ? UNDO_STEP[step]! : step);

/** Which saga step each order event records. */
export function stepOf(event: OrderEvent): StepOf {
  switch (event.type) {
    case 'OrderPlaced':
      return { step: 'placeOrder' };
    case 'InventoryReserved':
      return { step: 'reserveInventory' };
    case 'InventoryReleased':
      return { step: 'releaseInventory', compensates: 'reserveInventory' };
    case 'FraudScreened':
      return { step: 'screenOrder', ...(event.data.decision === 'rejected' ? { failed: true } : {}) };
    case 'PaymentAuthorized':
      return { step: 'authorizePayment' };
    case 'PaymentDeclined':
      return { step: 'authorizePayment', failed: true };
    case 'PaymentVoided':
      return { step: 'voidPayment', compensates: 'authorizePayment' };
    case 'ShipmentCreated':
      return { step: 'createShipment' };
    case 'ShipmentCancelled':
      return { step: 'cancelShipment', compensates: 'createShipment' };
    case 'PaymentCaptured':
      return { step: 'capturePayment' };
    case 'PaymentRefunded':
      return { step: 'refundPayment', compensates: 'capturePayment' };
    case 'OrderCompleted':
      return { step: 'completeOrder' };
    case 'OrderCancelled':
      return { step: 'cancelOrder' };
    case 'CompensationFailed':
      return { step: undoStepOf(event.data.step), compensates: event.data.step, failed: true };
    case 'CompensationResolved':
      return { step: undoStepOf(event.data.step), compensates: event.data.step };
  }
}
