import { BusinessRejection, type FraudScreeningService, type InventoryService, type OrderLine, type PaymentService, type ShippingService } from '../../../src/adapters/types';
import type { OrderEventType } from '../domainEvents';
import type { EventStore } from '../../../src/eventstore';
import type { EventSlot } from '../../../src/saga/eventStream';
import { cancellable } from '../../../activities/cancellable';
import { recordEvent, type Appended } from '../../../activities/recordEvent';

export interface OrderActivityDeps {
  store: EventStore;
  inventory: InventoryService;
  fraud: FraudScreeningService;
  payments: PaymentService;
  shipping: ShippingService;
}

/** Orders scoring this or more are refused. */
export const FRAUD_REJECT_SCORE = 80;

interface Call {
  /** The external call's idempotency key: workflow id + step, so every retry and replay is the same call. */
  idempotencyKey: string;
  /** Carried by runs that started with a fault plan in their input; the services now keep their own plans. */
  faults?: unknown;
}

interface Undo extends Call {
  slot: EventSlot;
  orderId: string;
  /** The action's idempotency key, to find what it did when its reply was lost. */
  actionKey: string;
}

/**
 * The order saga's activities as runs started before the step engine call them (see
 * legacy/orderFulfillmentV1.ts); new runs call steps.ts. Retire with the
 * legacy workflow.
 *
 * The order saga's activities. Each does one external call and appends the event recording it, in
 * that order, both idempotent: the call by its key, the append by the event id the workflow made.
 * A retry after a crash at any point therefore ends in exactly one effect and one event.
 * Business rejections come back as values (the workflow decides what they mean); a stream conflict
 * or an invalid event is a non-retryable failure; anything else is thrown and retried.
 */
export function createOrderActivities({ store, inventory, fraud, payments, shipping }: OrderActivityDeps) {
  const record = (slot: EventSlot, type: OrderEventType, data: unknown): Promise<Appended> => recordEvent(store, slot, type, data);

  return {
    async recordOrderEvent(slot: EventSlot, type: OrderEventType, data: unknown): Promise<Appended> {
      return record(slot, type, data);
    },

    async reserveInventory(
      input: Call & { slot: EventSlot; orderId: string; items: OrderLine[] },
    ): Promise<{ outcome: 'reserved'; reservationId: string; appended: Appended } | { outcome: 'out_of_stock'; reason: string; appended?: undefined }> {
      try {
        const { reservationId } = await inventory.reserve(input, cancellable());
        const appended = await record(input.slot, 'InventoryReserved', { orderId: input.orderId, reservationId, items: input.items });
        return { outcome: 'reserved', reservationId, appended };
      } catch (error) {
        if (error instanceof BusinessRejection) return { outcome: 'out_of_stock', reason: error.message };
        throw error;
      }
    },

    async releaseInventory(input: Undo & { reservationId?: string }): Promise<{ appended?: Appended }> {
      const reservationId = input.reservationId ?? (await inventory.findReservation(input.actionKey));
      if (!reservationId) return {}; // the reservation never happened: nothing to undo, nothing to record
      await inventory.release({ ...input, reservationId }, cancellable());
      return { appended: await record(input.slot, 'InventoryReleased', { orderId: input.orderId, reservationId, reason: 'order compensated' }) };
    },

    /** Scores the order and records the verdict either way; a rejection is a value, like a declined card. */
    async screenOrder(
      input: Call & { slot: EventSlot; orderId: string; customerId: string; amountCents: number },
    ): Promise<{ decision: 'accepted' | 'rejected'; score: number; appended: Appended }> {
      const { score, reasons } = await fraud.screen(input, cancellable());
      const decision = score >= FRAUD_REJECT_SCORE ? 'rejected' : 'accepted';
      return { decision, score, appended: await record(input.slot, 'FraudScreened', { orderId: input.orderId, score, decision, reasons }) };
    },

    async authorizePayment(
      input: Call & { slot: EventSlot; orderId: string; customerId: string; amountCents: number; currency: string },
    ): Promise<{ outcome: 'authorized'; paymentId: string; appended: Appended } | { outcome: 'declined'; reason: string; appended: Appended }> {
      try {
        const { paymentId } = await payments.authorize(input, cancellable());
        return { outcome: 'authorized', paymentId, appended: await record(input.slot, 'PaymentAuthorized', { orderId: input.orderId, paymentId, amountCents: input.amountCents }) };
      } catch (error) {
        if (!(error instanceof BusinessRejection)) throw error;
        return { outcome: 'declined', reason: error.message, appended: await record(input.slot, 'PaymentDeclined', { orderId: input.orderId, reason: error.message }) };
      }
    },

    async voidPayment(input: Undo & { paymentId?: string }): Promise<{ appended?: Appended }> {
      const paymentId = input.paymentId ?? (await payments.findPayment(input.actionKey));
      if (!paymentId) return {};
      await payments.void({ ...input, paymentId }, cancellable());
      return { appended: await record(input.slot, 'PaymentVoided', { orderId: input.orderId, paymentId, reason: 'order compensated' }) };
    },

    async createShipment(input: Call & { slot: EventSlot; orderId: string; items: OrderLine[] }): Promise<{ shipmentId: string; appended: Appended }> {
      const { shipmentId, carrier } = await shipping.createShipment(input, cancellable());
      return { shipmentId, appended: await record(input.slot, 'ShipmentCreated', { orderId: input.orderId, shipmentId, carrier }) };
    },

    async cancelShipment(input: Undo & { shipmentId?: string }): Promise<{ appended?: Appended }> {
      const shipmentId = input.shipmentId ?? (await shipping.findShipment(input.actionKey));
      if (!shipmentId) return {};
      await shipping.cancelShipment({ ...input, shipmentId }, cancellable());
      return { appended: await record(input.slot, 'ShipmentCancelled', { orderId: input.orderId, shipmentId, reason: 'order compensated' }) };
    },

    async capturePayment(input: Call & { slot: EventSlot; orderId: string; paymentId: string; amountCents: number }): Promise<{ appended: Appended }> {
      await payments.capture(input, cancellable());
      return { appended: await record(input.slot, 'PaymentCaptured', { orderId: input.orderId, paymentId: input.paymentId, amountCents: input.amountCents }) };
    },

    async refundPayment(input: Undo & { paymentId: string; amountCents: number; captured?: boolean }): Promise<{ appended?: Appended }> {
      if (input.captured === false && !(await payments.findCapture(input.actionKey))) return {};
      await payments.refund(input, cancellable());
      return {
        appended: await record(input.slot, 'PaymentRefunded', { orderId: input.orderId, paymentId: input.paymentId, amountCents: input.amountCents, reason: 'order compensated' }),
      };
    },
  };
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
