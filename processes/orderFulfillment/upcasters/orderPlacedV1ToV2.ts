import { defineUpcaster } from '../../../api/eventstore';
import { dollarsToCents } from '../../../api/workflow';

interface OrderPlacedV1Data {
  orderId: string;
  customerId: string;
  items: Array<{ sku: string; quantity: number }>;
  total: number | string;
}

/**
 * OrderPlaced v1 → v2: `total` (dollars, decimal) becomes `totalCents` (integer), rounded to the
 * nearest cent with halves away from zero on the decimal digits (see dollarsToCents); v1 orders were
 * all in US dollars, so `currency` is USD.
 */
export const orderPlacedV1ToV2 = defineUpcaster({
  name: 'orderPlacedV1ToV2',
  type: 'OrderPlaced',
  fromVersion: 1,
  up: ({ total, ...rest }: OrderPlacedV1Data) => ({ ...rest, totalCents: dollarsToCents(total), currency: 'USD' }),
});
