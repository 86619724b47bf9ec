import { z } from 'zod';
import { businessKey as id, currency, faultPlanFields } from './fields';

const orderOperations = [
  'reserveInventory',
  'releaseInventory',
  'authorizePayment',
  'voidPayment',
  'capturePayment',
  'refundPayment',
  'createShipment',
  'cancelShipment',
  'screenOrder',
] as const;

/** Faults the simulated services inject for this order (demos and tests); real adapters ignore them. */
export const FaultPlanSchema = z
  .object({
    ...faultPlanFields(orderOperations),
    declinePayment: z.boolean().optional(),
    /** The fraud screening scores the order high enough to reject it: a business rejection. */
    flagFraud: z.boolean().optional(),
    /**
     * The worker process running this operation's activity kills itself (SIGKILL) right after the
     * external call succeeded and before its event is recorded or its result reported, on the first
     * attempt: the crash the idempotency keys and event ids exist for. Only for workers you can lose.
     */
    crashWorkerAfter: z.enum(orderOperations).optional(),
  })
  .strict();

/** What app code passes to start an order saga. */
export const PlaceOrderInputSchema = z
  .object({
    orderId: id,
    customerId: id,
    items: z
      .array(
        z
          .object({
            sku: id,
            quantity: z.number().int({ message: 'must be a whole number' }).min(1, { message: 'must be at least 1' }).max(10_000),
            unitPriceCents: z.number().int({ message: 'must be a whole number of cents' }).min(0, { message: 'must not be negative' }),
          })
          .strict(),
      )
      .min(1, { message: 'an order needs at least one item' })
      .max(100, { message: 'at most 100 items per order' }),
    currency,
    simulate: FaultPlanSchema.optional(),
  })
  .strict();

export type PlaceOrderInput = z.infer<typeof PlaceOrderInputSchema>;
export type FaultPlanInput = z.infer<typeof FaultPlanSchema>;
