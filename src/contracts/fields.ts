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

/**
 * The bounds of what a command may ask for. MAX_AMOUNT_CENTS (10,000,000.00 in any currency) caps a
 * unit price, an order's total and a transfer. Together they keep every sum exact: an order of
 * MAX_ORDER_LINES lines of MAX_LINE_QUANTITY at MAX_AMOUNT_CENTS each comes to 10^15 cents, below
 * Number.MAX_SAFE_INTEGER (about 9 × 10^15), so no line or running total on the way to the order's
 * total is ever rounded.
 */
export const MAX_AMOUNT_CENTS = 1_000_000_000;
export const MAX_LINE_QUANTITY = 10_000;
export const MAX_ORDER_LINES = 100;

/**
 * A whole number from `min` to `max`. The range is checked before wholeness, and wholeness with
 * Number.isInteger, because zod's .int() reports an integer beyond 2^53 as "not whole": the value
 * 18000000000000000 must read "must be at most …", not "must be a whole number".
 */
function wholeNumber({ min, max, unit }: { min: 0 | 1; max: number; unit?: string }) {
  const of = unit ? ` of ${unit}` : '';
  return z
    .number({ message: `must be a number${of}` })
    .min(min, { message: min === 0 ? 'must not be negative' : 'must be at least 1' })
    .max(max, { message: `must be at most ${max}${unit ? ` ${unit}` : ''}` })
    .refine(Number.isInteger, { message: `must be a whole number${of}` });
}

/**
 * Cents in a stored event: any whole, non-negative amount that is exact in JSON. Wider than a
 * command's amounts on purpose: events the log took before MAX_AMOUNT_CENTS existed stay valid, so
 * a re-import does not refuse them. The commands below stay inside it, and a property test holds them there.
 */
export const cents = wholeNumber({ min: 0, max: Number.MAX_SAFE_INTEGER, unit: 'cents' });
/** A quantity in a stored event (an order line, a reservation). */
export const quantity = wholeNumber({ min: 1, max: Number.MAX_SAFE_INTEGER });

/** A price a command carries: zero is allowed (a free line), more than MAX_AMOUNT_CENTS is not. */
export const amountCents = wholeNumber({ min: 0, max: MAX_AMOUNT_CENTS, unit: 'cents' });
/** An amount of money a command moves: at least one cent, at most MAX_AMOUNT_CENTS. */
export const positiveAmountCents = wholeNumber({ min: 1, max: MAX_AMOUNT_CENTS, unit: 'cents' });
/** How many of one sku an order line asks for. */
export const lineQuantity = wholeNumber({ min: 1, max: MAX_LINE_QUANTITY });

export const reason = z.string().min(1, { message: 'must not be empty' }).max(2000);

export const currency = z.string().regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code like USD' });

/** A compensation that still failed after its retry budget, and an operator's resolution of it: the fields any saga records. */
export const compensationFailedFields = { step: eventRef, error: z.string().max(4000), attempts: z.number().int().positive() };
export const compensationResolvedFields = { step: eventRef, note: reason, resolvedBy: eventRef };
