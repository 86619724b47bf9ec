import { randomUUID } from 'node:crypto';
import type { PlaceOrderInput } from '../../src/contracts';

export type MixName = 'all succeed' | '30% compensate';
export const MIXES: readonly MixName[] = ['all succeed', '30% compensate'];

export interface BenchOrder {
  input: PlaceOrderInput;
  expected: 'COMPLETED' | 'COMPENSATED';
}

const SKUS = 64;

/**
 * Orders for one measurement. In the compensating mix, three in ten fail, at three different
 * places: a declined card (a business rejection at the second step), a shipping outage and a
 * capture outage (each retried to exhaustion, then undone). Skus spread over 64 rows so stock row
 * locks do not serialise the load. Every order uses the short retry budget, so a failure costs
 * both subjects the same few hundred milliseconds.
 */
export function makeOrders(mix: MixName, count: number): BenchOrder[] {
  return Array.from({ length: count }, (_, i) => {
    const fault = mix === '30% compensate' ? FAULTS[i % 10] : undefined;
    const input: PlaceOrderInput = {
      orderId: randomUUID(),
      customerId: `bench-customer-${i % 100}`,
      items: [
        { sku: `bench-sku-${i % SKUS}`, quantity: 1 + (i % 3), unitPriceCents: 1299 },
        { sku: `bench-sku-${(i * 7 + 3) % SKUS}`, quantity: 1, unitPriceCents: 450 },
      ],
      currency: 'USD',
      simulate: { fastRetries: true, ...fault },
    };
    return { input, expected: fault ? 'COMPENSATED' : 'COMPLETED' };
  });
}

const FAULTS: ReadonlyArray<PlaceOrderInput['simulate'] | undefined> = [
  { declinePayment: true },
  undefined,
  undefined,
  { fail: { createShipment: 'always' } },
  undefined,
  undefined,
  { fail: { capturePayment: 'always' } },
  undefined,
  undefined,
  undefined,
];
