import { InvalidInputError, parseInput } from '../../../src/client/errors';
import { MAX_AMOUNT_CENTS, MAX_LINE_QUANTITY, MAX_ORDER_LINES } from '../../../src/contracts';
import { PlaceOrderInputSchema } from '../../../processes/orderFulfillment/commands';
import { TransferInputSchema } from '../../../processes/moneyTransfer/commands';
import { contracts } from '../../support/contracts';

const order = (items: Array<{ quantity: number; unitPriceCents: number }>) => ({
  orderId: 'o-1',
  customerId: 'c-1',
  items: items.map((item, i) => ({ sku: `sku-${i}`, ...item })),
  currency: 'USD',
});
const transfer = (amountCents: number) => ({ transferId: 't-1', fromAccount: 'a-1', toAccount: 'a-2', amountCents, currency: 'USD' });

/** The issues parseInput reports for a command, as InvalidInputError lists them. */
function issuesOf(schema: Parameters<typeof parseInput>[0], input: unknown): Array<{ field: string; rule: string }> {
  try {
    parseInput(schema, 'command', input);
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues;
    throw error;
  }
  return [];
}

describe('the bounds of what a command may ask for', () => {
  it('keep the largest possible order total a safe integer', () => {
    expect(MAX_ORDER_LINES * MAX_LINE_QUANTITY * MAX_AMOUNT_CENTS).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
  });

  it('refuse a unit price past the bound with a range rule, not "not a whole number"', () => {
    expect(issuesOf(PlaceOrderInputSchema, order([{ quantity: 2, unitPriceCents: 9_000_000_000_000_000 }]))).toEqual([
      { field: 'items.0.unitPriceCents', rule: `must be at most ${MAX_AMOUNT_CENTS} cents` },
    ]);
    expect(issuesOf(PlaceOrderInputSchema, order([{ quantity: 1, unitPriceCents: 1e20 }]))).toEqual([{ field: 'items.0.unitPriceCents', rule: `must be at most ${MAX_AMOUNT_CENTS} cents` }]);
    expect(issuesOf(PlaceOrderInputSchema, order([{ quantity: 1, unitPriceCents: 12.5 }]))).toEqual([{ field: 'items.0.unitPriceCents', rule: 'must be a whole number of cents' }]);
  });

  it('refuse an order whose total is zero, naming the items and the rule', () => {
    expect(issuesOf(PlaceOrderInputSchema, order([{ quantity: 1, unitPriceCents: 0 }]))).toEqual([{ field: 'items', rule: 'the order total must be more than 0' }]);
    // A free line beside a paid one is fine.
    expect(issuesOf(PlaceOrderInputSchema, order([{ quantity: 1, unitPriceCents: 0 }, { quantity: 1, unitPriceCents: 1 }]))).toEqual([]);
  });

  it('refuse an order whose lines are each in range but whose total is not', () => {
    expect(issuesOf(PlaceOrderInputSchema, order([{ quantity: 1, unitPriceCents: MAX_AMOUNT_CENTS }]))).toEqual([]);
    expect(issuesOf(PlaceOrderInputSchema, order([{ quantity: 2, unitPriceCents: MAX_AMOUNT_CENTS }]))).toEqual([
      { field: 'items', rule: `the order total must be at most ${MAX_AMOUNT_CENTS} cents` },
    ]);
  });

  it('check the total only once every line is valid, so a bad line is reported once', () => {
    expect(issuesOf(PlaceOrderInputSchema, order([{ quantity: 0, unitPriceCents: 0 }]))).toEqual([{ field: 'items.0.quantity', rule: 'must be at least 1' }]);
    expect(issuesOf(PlaceOrderInputSchema, order([{ quantity: MAX_LINE_QUANTITY + 1, unitPriceCents: 1 }]))).toEqual([
      { field: 'items.0.quantity', rule: `must be at most ${MAX_LINE_QUANTITY}` },
    ]);
  });

  it('refuse a transfer amount past the bound with a range rule, and a zero one', () => {
    expect(issuesOf(TransferInputSchema, transfer(MAX_AMOUNT_CENTS))).toEqual([]);
    expect(issuesOf(TransferInputSchema, transfer(1e16))).toEqual([{ field: 'amountCents', rule: `must be at most ${MAX_AMOUNT_CENTS} cents` }]);
    expect(issuesOf(TransferInputSchema, transfer(0))).toEqual([{ field: 'amountCents', rule: 'must be at least 1' }]);
  });

  it('event contracts refuse amounts that are not exact in JSON with a range rule, and take every safe one', () => {
    const placed = (totalCents: number) => ({ orderId: 'o-1', customerId: 'c-1', items: [{ sku: 'mug', quantity: 2 }], totalCents, currency: 'USD' });
    expect(() => contracts.validate('OrderPlaced', placed(18_000_000_000_000_000), 0)).toThrow(
      new RegExp(`^event #0 \\(OrderPlaced\\) is invalid: data\\.totalCents: must be at most ${Number.MAX_SAFE_INTEGER} cents$`),
    );
    expect(contracts.validate('OrderPlaced', placed(Number.MAX_SAFE_INTEGER), 0).data).toMatchObject({ totalCents: Number.MAX_SAFE_INTEGER });
  });
});
