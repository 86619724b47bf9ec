import { z } from 'zod';

/**
 * Field rules every process's contracts share, so an order and a transfer refuse the same bad
 * value with the same words.
 */

/** A business key from app code (order id, account id): it ends up in workflow ids and visibility queries. */
export const businessKey = z
  .string()
  .min(1, { message: 'must not be empty' })
  .max(100, { message: 'must be at most 100 characters' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, { message: 'may contain only letters, digits and . _ : @ -' });

/** An id inside a stored event: looser than a business key, so events written by older code stay valid. */
export const eventRef = z.string().min(1, { message: 'must not be empty' }).max(200, { message: 'must be at most 200 characters' });

export const cents = z.number().int({ message: 'must be a whole number of cents' }).nonnegative({ message: 'must not be negative' });

export const reason = z.string().min(1, { message: 'must not be empty' }).max(2000);

export const currency = z.string().regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code like USD' });

/** A compensation that still failed after its retry budget, and an operator's resolution of it: the fields any saga records. */
export const compensationFailedFields = { step: eventRef, error: z.string().max(4000), attempts: z.number().int().positive() };
export const compensationResolvedFields = { step: eventRef, note: reason, resolvedBy: eventRef };

/**
 * The faults the simulated services inject for one run (demos and tests), over the operations a
 * process calls; real adapters ignore them. A process adds its own (an order can decline a card).
 */
export function faultPlanFields<const Operations extends readonly [string, ...string[]]>(operations: Operations) {
  const operation = z.enum(operations);
  return {
    fail: z.partialRecord(operation, z.union([z.number().int().min(1, { message: 'must be at least 1' }), z.literal('always')])).optional(),
    hang: z.array(operation).optional(),
    /** Short timeouts and retry budgets (5 s, 3 attempts), so demos and tests reach every outcome in seconds. */
    fastRetries: z.boolean().optional(),
  };
}
