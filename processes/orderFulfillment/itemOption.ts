import { MAX_ORDER_LINES } from '../../api/eventstore';
import { UsageError } from '../../api/cli';
import type { PlaceOrderInput } from './commands';

/**
 * A commander option parser for a repeated `--item sku:qty:unitPriceCents`; a sku may itself hold
 * colons, so the numbers are taken from the right. Each flag is added to the list commander hands
 * back, not to a copy of it: copying made n flags cost n²/2 line copies (20,000 flags took 13.5 s).
 * An order has at most MAX_ORDER_LINES lines, so the flag past that is refused on the spot.
 */
export function orderLine(raw: string, lines: PlaceOrderInput['items'] = []): PlaceOrderInput['items'] {
  if (lines.length >= MAX_ORDER_LINES) throw new UsageError(`--item may be given at most ${MAX_ORDER_LINES} times: an order has at most ${MAX_ORDER_LINES} lines`);
  const match = /^(.+):(\d+):(\d+)$/.exec(raw);
  if (!match) throw new UsageError(`--item must be sku:qty:unitPriceCents with whole numbers, e.g. mug:2:1200, got ${JSON.stringify(raw)}`);
  lines.push({ sku: match[1]!, quantity: Number(match[2]), unitPriceCents: Number(match[3]) });
  return lines;
}
