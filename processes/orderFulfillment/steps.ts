import { BusinessRejection, type FraudScreeningService, type InventoryService, type OrderLine, type PaymentService, type ShippingService } from '../../src/adapters/types';
import type { OrderEvent } from './domainEvents';
import { done, nothingToUndo, rejected, type StepCall, type StepEvent, type UndoCall, cancellable } from '../../api/worker';

export interface OrderStepDeps {
  inventory: InventoryService;
  fraud: FraudScreeningService;
  payments: PaymentService;
  shipping: ShippingService;
}

/** Orders scoring this or more are refused. */
export const FRAUD_REJECT_SCORE = 80;

/** An order event as a step records it, checked against the order contracts' types. */
function event<T extends OrderEvent['type']>(type: T, data: Extract<OrderEvent, { type: T }>['data']): StepEvent {
  return { type, data };
}

/** A business "no" from a service becomes the step's declared rejection; anything else is an outage, retried. */
async function orRejected<R>(effect: () => Promise<R>, onRejection: (error: BusinessRejection) => ReturnType<typeof rejected>): Promise<R | ReturnType<typeof rejected>> {
  try {
    return await effect();
  } catch (error) {
    if (error instanceof BusinessRejection) return onRejection(error);
    throw error;
  }
}

/**
 * The order saga's steps. Each makes one external call with the key the engine gives it and returns
 * what happened with the event that records it; the engine appends the event in the same attempt.
 * Compensations look their action up by its key when the workflow never saw its result.
 */
export function createOrderSteps({ inventory, fraud, payments, shipping }: OrderStepDeps) {
  return {
    async reserveInventory({ orderId, items }: { orderId: string; items: OrderLine[] }, { key }: StepCall) {
      return orRejected(
        async () => {
          const { reservationId } = await inventory.reserve({ idempotencyKey: key, orderId, items }, cancellable());
          return done({ reservationId }, event('InventoryReserved', { orderId, reservationId, items }));
        },
        (error) => rejected(error.message),
      );
    },

    async releaseInventory({ orderId, reservationId }: { orderId: string; reservationId?: string }, { key, actionKey }: UndoCall) {
      const id = reservationId ?? (await inventory.findReservation(actionKey));
      if (!id) return nothingToUndo();
      await inventory.release({ idempotencyKey: key, orderId, reservationId: id }, cancellable());
      return done(undefined, event('InventoryReleased', { orderId, reservationId: id, reason: 'order compensated' }));
    },

    /** Scores the order and records the verdict either way. */
    async screenOrder({ orderId, customerId, amountCents }: { orderId: string; customerId: string; amountCents: number }, { key }: StepCall) {
      const { score, reasons } = await fraud.screen({ idempotencyKey: key, orderId, customerId, amountCents }, cancellable());
      const decision = score >= FRAUD_REJECT_SCORE ? 'rejected' : 'accepted';
      const screened = event('FraudScreened', { orderId, score, decision, reasons });
      return decision === 'rejected' ? rejected(`fraud screening refused the order (score ${score})`, screened) : done({ score }, screened);
    },

    async authorizePayment(
      { orderId, customerId, amountCents, currency }: { orderId: string; customerId: string; amountCents: number; currency: string },
      { key }: StepCall,
    ) {
      return orRejected(
        async () => {
          const { paymentId } = await payments.authorize({ idempotencyKey: key, orderId, customerId, amountCents, currency }, cancellable());
          return done({ paymentId }, event('PaymentAuthorized', { orderId, paymentId, amountCents }));
        },
        (error) => rejected(`payment declined: ${error.message}`, event('PaymentDeclined', { orderId, reason: error.message })),
      );
    },

    async voidPayment({ orderId, paymentId }: { orderId: string; paymentId?: string }, { key, actionKey }: UndoCall) {
      const id = paymentId ?? (await payments.findPayment(actionKey));
      if (!id) return nothingToUndo();
      await payments.void({ idempotencyKey: key, paymentId: id }, cancellable());
      return done(undefined, event('PaymentVoided', { orderId, paymentId: id, reason: 'order compensated' }));
    },

    async createShipment({ orderId, items }: { orderId: string; items: OrderLine[] }, { key }: StepCall) {
      const { shipmentId, carrier } = await shipping.createShipment({ idempotencyKey: key, orderId, items }, cancellable());
      return done({ shipmentId }, event('ShipmentCreated', { orderId, shipmentId, carrier }));
    },

    async cancelShipment({ orderId, shipmentId }: { orderId: string; shipmentId?: string }, { key, actionKey }: UndoCall) {
      const id = shipmentId ?? (await shipping.findShipment(actionKey));
      if (!id) return nothingToUndo();
      await shipping.cancelShipment({ idempotencyKey: key, shipmentId: id }, cancellable());
      return done(undefined, event('ShipmentCancelled', { orderId, shipmentId: id, reason: 'order compensated' }));
    },

    async capturePayment({ orderId, paymentId, amountCents }: { orderId: string; paymentId: string; amountCents: number }, { key }: StepCall) {
      await payments.capture({ idempotencyKey: key, paymentId, amountCents }, cancellable());
      return done(undefined, event('PaymentCaptured', { orderId, paymentId, amountCents }));
    },

    /** Refunds a capture; when the workflow never saw the capture's reply, only if the capture is found to have happened. */
    async refundPayment({ orderId, paymentId, amountCents }: { orderId: string; paymentId: string; amountCents: number }, { key, actionKey, actionCompleted }: UndoCall) {
      if (!actionCompleted && !(await payments.findCapture(actionKey))) return nothingToUndo();
      await payments.refund({ idempotencyKey: key, paymentId, amountCents }, cancellable());
      return done(undefined, event('PaymentRefunded', { orderId, paymentId, amountCents, reason: 'order compensated' }));
    },
  };
}

export type OrderSteps = ReturnType<typeof createOrderSteps>;
