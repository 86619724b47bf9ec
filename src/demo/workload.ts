import type { FaultPlan } from '../adapters';
import type { PlaceOrderInput } from '../../processes/orderFulfillment/commands';

/** What the demo does with one order, and so how it should end. */
export type DemoOrderKind =
  | 'completes'
  | 'out-of-stock'
  | 'fraud-refused'
  | 'payment-declined'
  | 'shipping-down'
  | 'capture-down'
  | 'cancelled'
  | 'needs-operator';

export interface DemoOrder {
  kind: DemoOrderKind;
  input: PlaceOrderInput;
  /** What the simulated services do to this order's calls (stored before it starts). */
  faults: FaultPlan;
}

/**
 * Out of every 40 orders: 32 complete and 8 go wrong in different ways, about 20% (one fails at
 * each step, two declines, one refused as fraud, one cancelled by its customer). Exactly one order
 * of the whole load needs an operator. The pattern is fixed, so two runs of the same size tell the
 * same story.
 */
const PATTERN: ReadonlyArray<DemoOrderKind | undefined> = (() => {
  const slots: Array<DemoOrderKind | undefined> = Array.from({ length: 40 });
  const trouble: Array<[number, DemoOrderKind]> = [
    [3, 'payment-declined'],
    [8, 'out-of-stock'],
    [13, 'shipping-down'],
    [18, 'fraud-refused'],
    [23, 'payment-declined'],
    [28, 'capture-down'],
    [33, 'cancelled'],
    [38, 'shipping-down'],
  ];
  for (const [index, kind] of trouble) slots[index] = kind;
  return slots;
})();

const FAULTS: Record<DemoOrderKind, FaultPlan> = {
  completes: {},
  'out-of-stock': { fail: { reserveInventory: 'always' } },
  'fraud-refused': { flagFraud: true },
  'payment-declined': { declinePayment: true },
  'shipping-down': { fail: { createShipment: 'always' } },
  'capture-down': { fail: { capturePayment: 'always' } },
  // The shipment hangs, so the order is reliably mid-saga when its customer cancels it.
  cancelled: { hang: ['createShipment'] },
  // The shipment fails and so does voiding the payment: compensation parks for a person.
  'needs-operator': { fail: { createShipment: 'always', voidPayment: 'always' } },
};

const CATALOGUE = [
  { sku: 'espresso-beans-1kg', unitPriceCents: 2490 },
  { sku: 'ceramic-mug', unitPriceCents: 1250 },
  { sku: 'pour-over-kettle', unitPriceCents: 5900 },
  { sku: 'paper-filters-100', unitPriceCents: 450 },
  { sku: 'hand-grinder', unitPriceCents: 8900 },
  { sku: 'milk-frother', unitPriceCents: 3400 },
];

/** The demo's orders: ids carry the run's tag, so one run's orders are found again among earlier ones. */
export function planDemoOrders(count: number, runTag: string): DemoOrder[] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`the order count must be a whole number of at least 1, got ${count}`);
  const operatorAt = Math.min(count - 1, 16);
  return Array.from({ length: count }, (_, i) => {
    const kind: DemoOrderKind = i === operatorAt ? 'needs-operator' : (PATTERN[i % PATTERN.length] ?? 'completes');
    const first = CATALOGUE[i % CATALOGUE.length]!;
    const second = CATALOGUE[(i * 5 + 2) % CATALOGUE.length]!;
    const items = first.sku === second.sku ? [{ ...first, quantity: 2 }] : [{ ...first, quantity: 1 + (i % 3) }, { ...second, quantity: 1 }];
    return {
      kind,
      input: {
        orderId: `demo-${runTag}-${String(i + 1).padStart(4, '0')}`,
        customerId: `customer-${(i * 7) % 50}`,
        items,
        currency: 'USD',
      },
      faults: FAULTS[kind],
    };
  });
}
