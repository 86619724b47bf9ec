import { z } from 'zod';
import { amountCents, businessKey as id, currency, lineQuantity, MAX_AMOUNT_CENTS, MAX_ORDER_LINES } from '../../api/eventstore';
import { orderTotalCents } from './openingEvent';

const OrderLine = z.object({ sku: id, quantity: lineQuantity, unitPriceCents: amountCents }).strict();

const OrderLines = z
  .array(OrderLine)
  .min(1, { message: 'an order needs at least one item' })
  .max(MAX_ORDER_LINES, { message: `at most ${MAX_ORDER_LINES} items per order` })
  // The total is what the run charges and records: free lines are fine, a free order is not.
  .refine((items) => orderTotalCents({ items }) > 0, { message: 'the order total must be more than 0', when: linesValid })
  .refine((items) => orderTotalCents({ items }) <= MAX_AMOUNT_CENTS, {
    message: `the order total must be at most ${MAX_AMOUNT_CENTS} cents`,
    when: linesValid,
  });

/** Only once every line is valid; otherwise the lines' own issues say enough. */
function linesValid(payload: { value: unknown }): boolean {
  return z.array(OrderLine).safeParse(payload.value).success;
}

/** What app code passes to start an order saga. */
export const PlaceOrderInputSchema = z
  .object({
    orderId: id,
    customerId: id,
    items: OrderLines,
    currency,
  })
  .strict();

export type PlaceOrderInput = z.infer<typeof PlaceOrderInputSchema>;
