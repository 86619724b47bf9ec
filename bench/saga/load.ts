import { randomUUID } from 'node:crypto';
import type { FaultPlan } from '../../src/adapters';
import type { PlaceOrderInput } from '../../processes/orderFulfillment/commands';

export type MixName = 'all succeed' | '30% compensate';
export const MIXES: readonly MixName[] = ['all succeed', '30% compensate'];

export interface BenchOrder {
  input: PlaceOrderInput;
  /** Stored with the simulated services under the run's workflow id before it starts. */
  faults?: FaultPlan;
  expected: 'COMPLETED' | 'COMPENSATED';
}

const SKUS = 64;

/**
 * Orders for one measurement. In the compensating mix, three in ten fail, at three different
 * places: a declined card (a business rejection at the second step), a shipping outage and a
 * capture outage (each retried to exhaustion, then undone). Skus spread over 64 rows so stock row
 * locks do not serialise the load. Every order uses the short retry budget, so a failure costs
 * both subjects the same few hundred milliseconds (the worker runs the fast retry profile).
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
    };
    return { input, ...(fault ? { faults: fault } : {}), expected: fault ? 'COMPENSATED' : 'COMPLETED' };
  });
}

const FAULTS: ReadonlyArray<FaultPlan | undefined> = [
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
