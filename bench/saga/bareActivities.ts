import { ApplicationFailure } from '@temporalio/activity';
import { BusinessRejection, type CallContext, type FraudScreeningService, type InventoryService, type OrderLine, type PaymentService, type ShippingService } from '../../src/adapters';
import { FRAUD_REJECT_SCORE } from '../../processes/orderFulfillment/steps';
import { BUSINESS_REJECTION } from '../../src/saga/failures';

/**
 * The order saga's external calls and nothing else: no events, no lookups by idempotency key.
 * The ceiling the saga benchmark measures sagaflow against.
 */
export function createBareActivities({
  inventory,
  fraud,
  payments,
  shipping,
}: {
  inventory: InventoryService;
  fraud: FraudScreeningService;
  payments: PaymentService;
  shipping: ShippingService;
}) {
  const rejectionsAsFailures = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof BusinessRejection) throw ApplicationFailure.nonRetryable(error.message, BUSINESS_REJECTION);
      throw error;
    }
  };
  return {
    bareReserve: (call: CallContext & { orderId: string; items: OrderLine[] }) => rejectionsAsFailures(() => inventory.reserve(call)),
    bareRelease: (call: CallContext & { orderId: string; reservationId: string }) => inventory.release(call),
    bareScreen: async (call: CallContext & { orderId: string; customerId: string; amountCents: number }) => {
      const { score } = await fraud.screen(call);
      return { score, rejected: score >= FRAUD_REJECT_SCORE };
    },
    bareAuthorize: (call: CallContext & { orderId: string; customerId: string; amountCents: number; currency: string }) =>
      rejectionsAsFailures(() => payments.authorize(call)),
    bareVoid: (call: CallContext & { paymentId: string }) => payments.void(call),
    bareShip: (call: CallContext & { orderId: string; items: OrderLine[] }) => shipping.createShipment(call),
    bareCancelShipment: (call: CallContext & { shipmentId: string }) => shipping.cancelShipment(call),
    bareCapture: (call: CallContext & { paymentId: string; amountCents: number }) => payments.capture(call),
  };
}

export type BareActivities = ReturnType<typeof createBareActivities>;
