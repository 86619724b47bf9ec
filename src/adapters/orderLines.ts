import { BusinessRejection, type OrderLine } from './types';

/**
 * The lines of a request, checked and merged to one per sku in sku order, so that one request always
 * has one form. A zero or negative quantity would add stock instead of taking it, so it is refused.
 */
export function normalizeLines(what: string, items: OrderLine[]): OrderLine[] {
  if (!Array.isArray(items) || items.length === 0) throw new BusinessRejection('invalid_request', `${what}: items must not be empty`);
  const merged = new Map<string, number>();
  for (const { sku, quantity } of items) {
    if (typeof sku !== 'string' || sku === '') throw new BusinessRejection('invalid_request', `${what}: every item needs a sku`);
    if (!Number.isSafeInteger(quantity) || quantity < 1) {
      throw new BusinessRejection('invalid_request', `${what}: quantity of ${sku} must be a whole number of at least 1, got ${quantity}`);
    }
    merged.set(sku, (merged.get(sku) ?? 0) + quantity);
  }
  return [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, quantity]) => ({ sku, quantity }));
}
