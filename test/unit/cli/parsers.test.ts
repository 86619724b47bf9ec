import { UsageError } from '../../../src/cli/errors';
import { orderLine } from '../../../processes/orderFulfillment/itemOption';
import { MAX_ORDER_LINES } from '../../../src/contracts';

describe('the --item parser', () => {
  it('adds each line to the list it is given rather than copying it, so n flags cost n steps', () => {
    const lines = orderLine('mug:2:1200');

    expect(orderLine('lamp:1:4500', lines)).toBe(lines);
    expect(orderLine('a:b:c:3:10', lines)).toBe(lines);
    expect(lines).toEqual([
      { sku: 'mug', quantity: 2, unitPriceCents: 1200 },
      { sku: 'lamp', quantity: 1, unitPriceCents: 4500 },
      { sku: 'a:b:c', quantity: 3, unitPriceCents: 10 },
    ]);
  });

  it(`refuses the flag past ${MAX_ORDER_LINES}, as an order has at most that many lines`, () => {
    const lines = Array.from({ length: MAX_ORDER_LINES - 1 }, () => ({ sku: 'mug', quantity: 1, unitPriceCents: 100 }));
    orderLine('lamp:1:4500', lines);

    const past = () => orderLine('lamp:1:4500', lines);

    expect(past).toThrow(UsageError);
    expect(past).toThrow(`--item may be given at most ${MAX_ORDER_LINES} times: an order has at most ${MAX_ORDER_LINES} lines`);
    expect(lines).toHaveLength(MAX_ORDER_LINES);
  });
});
