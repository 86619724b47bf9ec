import fc from 'fast-check';
import { MAX_AMOUNT_CENTS, MAX_LINE_QUANTITY, MAX_ORDER_LINES } from '../../../src/contracts';
import { orderLines, orderPlacedData, orderTotalCents } from '../../../processes/orderFulfillment/openingEvent';
import { PlaceOrderInputSchema, type PlaceOrderInput } from '../../../processes/orderFulfillment/commands';
import { transferRequestedData } from '../../../processes/moneyTransfer/openingEvent';
import { TransferInputSchema, type TransferInput } from '../../../processes/moneyTransfer/commands';
import { contracts } from '../../support/contracts';

/**
 * What the client accepts, the saga can record: every command the client's schema lets through
 * yields events the store's contracts accept, built with the functions the workflows use. The
 * generators lean on the edges (the bounds, one past them, 2^53 and beyond, fractions) where a
 * command schema and an event contract can disagree.
 */
describe('command schemas and event contracts agree', () => {
  const edgy = (bound: number) =>
    fc.oneof(
      fc.integer({ min: 0, max: bound }),
      fc.constantFrom(0, 1, bound, bound + 1, Number.MAX_SAFE_INTEGER, 9_000_000_000_000_000, 2 ** 53 + 2, 1e20, 0.5, -1),
      fc.maxSafeNat(),
    );
  const key = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,11}$/);
  const anyLine = fc.record({ sku: key, quantity: edgy(MAX_LINE_QUANTITY), unitPriceCents: edgy(MAX_AMOUNT_CENTS) });
  const cheapLine = fc.record({ sku: key, quantity: fc.integer({ min: 1, max: 5 }), unitPriceCents: fc.integer({ min: 0, max: 10_000 }) });
  const dearLine = fc.record({ sku: key, quantity: fc.constantFrom(1, MAX_LINE_QUANTITY), unitPriceCents: fc.constantFrom(MAX_AMOUNT_CENTS / MAX_LINE_QUANTITY, MAX_AMOUNT_CENTS) });
  const lines = (cheap: number, length: { minLength: number; maxLength: number }) =>
    fc.array(fc.oneof({ weight: cheap, arbitrary: cheapLine }, { weight: 1, arbitrary: dearLine }, { weight: 1, arbitrary: anyLine }), length);
  const order = fc.record({
    orderId: key,
    customerId: key,
    // Short orders anywhere in range; long ones at the line limit, mostly cheap, so that their total decides.
    items: fc.oneof(lines(2, { minLength: 1, maxLength: 3 }), lines(60, { minLength: MAX_ORDER_LINES - 1, maxLength: MAX_ORDER_LINES + 1 })),
    currency: fc.constantFrom('USD', 'EUR'),
  });
  const transfer = fc.record({ transferId: key, fromAccount: key, toAccount: key, amountCents: edgy(MAX_AMOUNT_CENTS), currency: fc.constantFrom('USD', 'EUR') });

  /** Each payload must pass its latest contract; the registry's error names the event, field and rule. */
  const expectRecordable = (events: Array<[string, unknown]>) => events.forEach(([type, data], index) => contracts.validate(type, data, index));

  /** The order events whose fields come from the command: the opening event, the lines reserved, the amounts charged. */
  const orderEvents = (input: PlaceOrderInput): Array<[string, unknown]> => {
    const { orderId } = input;
    const amountCents = orderTotalCents(input);
    return [
      ['OrderPlaced', orderPlacedData(input)],
      ['InventoryReserved', { orderId, reservationId: 'r-1', items: orderLines(input.items) }],
      ['PaymentAuthorized', { orderId, paymentId: 'p-1', amountCents }],
      ['PaymentCaptured', { orderId, paymentId: 'p-1', amountCents }],
      ['PaymentRefunded', { orderId, paymentId: 'p-1', amountCents, reason: 'order compensated' }],
      ['OrderCancelled', { orderId, reason: 'failed', failedStep: 'reserveInventory' }],
    ];
  };

  const transferEvents = (input: TransferInput): Array<[string, unknown]> => {
    const { transferId, fromAccount, toAccount, amountCents, currency } = input;
    return [
      ['TransferRequested', transferRequestedData(input)],
      ['FundsWithdrawn', { transferId, withdrawalId: 'w-1', accountId: fromAccount, amountCents, currency }],
      ['FundsDeposited', { transferId, depositId: 'd-1', withdrawalId: 'w-1', accountId: toAccount, amountCents, currency }],
      ['WithdrawalRefunded', { transferId, withdrawalId: 'w-1', accountId: fromAccount, amountCents, currency, reason: 'transfer compensated' }],
      ['TransferFailed', { transferId, reason: 'failed', failedStep: 'depositFunds' }],
    ];
  };

  it('every order the client accepts records valid events, with a total from 1 cent to MAX_AMOUNT_CENTS', () => {
    let accepted = 0;
    fc.assert(
      fc.property(order, (candidate) => {
        const parsed = PlaceOrderInputSchema.safeParse(candidate);
        if (!parsed.success) return;
        accepted++;
        expectRecordable(orderEvents(parsed.data));
        const total = orderTotalCents(parsed.data);
        expect(Number.isSafeInteger(total) && total >= 1 && total <= MAX_AMOUNT_CENTS).toBe(true);
      }),
      { numRuns: 2000 },
    );
    // The generators must reach accepted orders too, or the property says nothing.
    expect(accepted).toBeGreaterThan(100);
  });

  it('every transfer the client accepts records valid events, moving at most MAX_AMOUNT_CENTS', () => {
    let accepted = 0;
    fc.assert(
      fc.property(transfer, (candidate) => {
        const parsed = TransferInputSchema.safeParse(candidate);
        if (!parsed.success) return;
        accepted++;
        expectRecordable(transferEvents(parsed.data));
        expect(parsed.data.amountCents).toBeLessThanOrEqual(MAX_AMOUNT_CENTS);
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});
