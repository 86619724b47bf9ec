// Workflow code imports this module: it must stay free of zod and of Node APIs (types only below).
import type { PlaceOrderInput } from './commands';
import type { OrderEvent } from './domainEvents';

/**
 * What a saga derives from its command before its first step: the lines and total of an order, and
 * the payload of each process's opening event. One definition, used by the workflows, the client
 * and the command contracts alike, so what a command is checked against is what the run records.
 */

type OrderPlacedData = Extract<OrderEvent, { type: 'OrderPlaced' }>['data'];
/** A line as the order command gives it; spelled out, as the command's own schema checks its total with these functions. */
interface PricedLine {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

/** An order's lines as its events record them: the sku and how many (prices live in the total). */
export function orderLines(items: readonly PricedLine[]): OrderPlacedData['items'] {
  return items.map(({ sku, quantity }) => ({ sku, quantity }));
}

/** The sum of quantity × unit price over the lines, in cents. */
export function orderTotalCents({ items }: { items: readonly PricedLine[] }): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
}

/** The payload of OrderPlaced, the event that opens an order's stream. */
export function orderPlacedData(input: PlaceOrderInput): OrderPlacedData {
  const { orderId, customerId, items, currency } = input;
  return { orderId, customerId, items: orderLines(items), totalCents: orderTotalCents(input), currency };
}
