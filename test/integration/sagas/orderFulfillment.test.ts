import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { InvalidInputError } from '../../../src/client';
import type { PlaceOrderInput } from '../../../processes/orderFulfillment/commands';
import { SagaStatusKey } from '../../../src/saga';
import { orderFulfillment, orderWorkflowId } from '../../../processes/orderFulfillment/workflow';
import type { FaultPlan } from '../../../src/adapters';
import { planFaults } from '../../support/faults';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { useSagaWorker } from '../../support/sagaWorker';
import { waitFor } from '../../support/waitFor';
import { applicationFailureOf } from '../../support/runFailure';

describe('OrderFulfillment saga on a real worker, Temporal dev server and PostgreSQL', () => {
  const db = useTestDatabase();
  const rig = useSagaWorker(db);

  /** A new order, with its fault plan stored in the simulated services before it starts. */
  const order = async (faults: FaultPlan = {}): Promise<PlaceOrderInput> => {
    const orderId = randomUUID();
    await planFaults(db.pool, orderWorkflowId(orderId), faults);
    return orderInput(orderId);
  };
  const orderInput = (orderId: string): PlaceOrderInput => ({
    orderId,
    customerId: 'cust-42',
    items: [
      { sku: 'mug', quantity: 2, unitPriceCents: 1250 },
      { sku: 'beans', quantity: 1, unitPriceCents: 1800 },
    ],
    currency: 'USD',
  });

  const eventTypes = async (orderId: string) => (await testEventStore(db).readStream(`Order-${orderId}`)).map((e) => e.type);
  const sagaStatusOf = async (orderId: string) => {
    const description = await rig.temporal.client.workflow.getHandle(`order-${orderId}`).describe();
    return description.typedSearchAttributes.get(SagaStatusKey);
  };

  it('completes the happy path, recording every step in the order stream', async () => {
    const input = await order();
    await rig.orders.startOrder(input);

    const result = await rig.orders.awaitOrderResult(input.orderId);

    expect(result.outcome).toBe('COMPLETED');
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([
      ['reserveInventory', 'done'],
      ['screenOrder', 'done'],
      ['authorizePayment', 'done'],
      ['createShipment', 'done'],
      ['capturePayment', 'done'],
    ]);
    expect(await eventTypes(input.orderId)).toEqual(['OrderPlaced', 'InventoryReserved', 'FraudScreened', 'PaymentAuthorized', 'ShipmentCreated', 'PaymentCaptured', 'SagaCompleted']);
    expect(await sagaStatusOf(input.orderId)).toBe('COMPLETED');
    const events = await testEventStore(db).readStream(`Order-${input.orderId}`);
    expect(events.every((e) => e.metadata.correlationId === `order-${input.orderId}`)).toBe(true);
    expect(events.slice(1).map((e) => e.metadata.causationId)).toEqual(events.slice(0, -1).map((e) => e.eventId));
    expect(events[0]!.data).toMatchObject({ totalCents: 4300, currency: 'USD' });
  });

  it('labels every activity in the run history for the Web UI', async () => {
    const input = await order();
    await rig.orders.startOrder(input);
    await rig.orders.awaitOrderResult(input.orderId);

    const history = await rig.temporal.client.workflow.getHandle(`order-${input.orderId}`).fetchHistory();
    const summaries = (history.events ?? [])
      .map((e) => e.userMetadata?.summary?.data)
      .filter((data): data is Uint8Array => data instanceof Uint8Array)
      .map((data) => JSON.parse(Buffer.from(data).toString('utf8')) as string);
    // The run's own summary first, then one per activity, the local ones (records) included.
    expect(summaries).toEqual([
      `Order ${input.orderId}: 3 items, 43.00 USD`,
      'Record OrderPlaced',
      'Reserve 3 items',
      'Screen 43.00 USD for fraud',
      'Authorize 43.00 USD',
      'Ship 3 items',
      'Capture 43.00 USD',
      'Record SagaCompleted',
    ]);
  });

  it('labels a compensation whose action it did not see complete as conditional, and only that one', async () => {
    const input = await order({ fail: { capturePayment: 'always' } });
    await rig.orders.startOrder(input);
    const result = await rig.orders.awaitOrderResult(input.orderId);

    const history = await rig.temporal.client.workflow.getHandle(`order-${input.orderId}`).fetchHistory();
    const summaries = (history.events ?? [])
      .filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => JSON.parse(Buffer.from(e.userMetadata!.summary!.data!).toString('utf8')) as string);
    expect(summaries.slice(-4)).toEqual(['Refund 43.00 USD, if capturePayment took effect', 'Cancel the shipment of 3 items', 'Void the 43.00 USD authorization', 'Release 3 items']);
    // Nothing was captured, and the refund says so.
    expect(result.steps.find((step) => step.name === 'capturePayment')).toMatchObject({ status: 'nothing_to_undo' });
  });

  it.each([
    ['reserveInventory', ['OrderPlaced', 'SagaFailed']],
    ['authorizePayment', ['OrderPlaced', 'InventoryReserved', 'FraudScreened', 'InventoryReleased', 'SagaFailed']],
    ['createShipment', ['OrderPlaced', 'InventoryReserved', 'FraudScreened', 'PaymentAuthorized', 'PaymentVoided', 'InventoryReleased', 'SagaFailed']],
    [
      'capturePayment',
      ['OrderPlaced', 'InventoryReserved', 'FraudScreened', 'PaymentAuthorized', 'ShipmentCreated', 'ShipmentCancelled', 'PaymentVoided', 'InventoryReleased', 'SagaFailed'],
    ],
  ] as const)('compensates exactly the steps before a failing %s, last first', async (step, expected) => {
    const input = await order({ fail: { [step]: 'always' } });
    await rig.orders.startOrder(input);

    const result = await rig.orders.awaitOrderResult(input.orderId);

    expect(result.outcome).toBe('COMPENSATED');
    expect(result.failure).toMatchObject({ step });
    expect(await eventTypes(input.orderId)).toEqual(expected);
    expect(await sagaStatusOf(input.orderId)).toBe('COMPENSATED');
    // The run itself failed, saying why in one line, with the result the client returned in its details.
    const failure = await applicationFailureOf(rig.temporal.client.workflow.getHandle(orderWorkflowId(input.orderId)));
    expect(failure).toMatchObject({ type: 'SagaCompensated', nonRetryable: true, message: expect.stringMatching(new RegExp(`^compensated after ${step} failed: \\S`)) });
    expect(failure.details).toEqual([result]);
  });

  it('treats a declined payment as a business rejection: no retries, nothing to void, stock released', async () => {
    const input = await order({ declinePayment: true });
    await rig.orders.startOrder(input);

    const result = await rig.orders.awaitOrderResult(input.orderId);

    expect(result).toMatchObject({ outcome: 'COMPENSATED', failure: { step: 'authorizePayment', type: 'BusinessRejection' } });
    expect((await applicationFailureOf(rig.temporal.client.workflow.getHandle(orderWorkflowId(input.orderId)))).message).toMatch(/^payment declined: /);
    expect(await eventTypes(input.orderId)).toEqual(['OrderPlaced', 'InventoryReserved', 'FraudScreened', 'PaymentDeclined', 'InventoryReleased', 'SagaFailed']);
  });

  it('refuses an order the fraud screening flags: no payment taken, stock released, the verdict recorded', async () => {
    const input = await order({ flagFraud: true });
    await rig.orders.startOrder(input);

    const result = await rig.orders.awaitOrderResult(input.orderId);

    expect(result).toMatchObject({ outcome: 'COMPENSATED', failure: { step: 'screenOrder', type: 'BusinessRejection' } });
    expect(await eventTypes(input.orderId)).toEqual(['OrderPlaced', 'InventoryReserved', 'FraudScreened', 'InventoryReleased', 'SagaFailed']);
    const screened = (await testEventStore(db).readStream(`Order-${input.orderId}`)).find((e) => e.type === 'FraudScreened');
    expect(screened?.data).toMatchObject({ decision: 'rejected', score: 95 });
    const payments = await db.pool.query(`select count(*)::int as n from sim_payments where order_id = $1`, [input.orderId]);
    expect(payments.rows[0].n).toBe(0);
  });

  it('rides out a step that fails twice and then succeeds, writing each event once', async () => {
    const input = await order({ fail: { authorizePayment: 2 } });
    await rig.orders.startOrder(input);

    expect((await rig.orders.awaitOrderResult(input.orderId)).outcome).toBe('COMPLETED');
    expect((await eventTypes(input.orderId)).filter((t) => t === 'PaymentAuthorized')).toHaveLength(1);
  });

  it('retries a step that hangs past its timeout, and the late attempt writes nothing twice', async () => {
    const input = await order({ hang: ['createShipment'] });
    await rig.orders.startOrder(input);

    expect((await rig.orders.awaitOrderResult(input.orderId)).outcome).toBe('COMPLETED');
    expect((await eventTypes(input.orderId)).filter((t) => t === 'ShipmentCreated')).toHaveLength(1);
  });

  it('retries a compensation that fails twice until it succeeds', async () => {
    const input = await order({ fail: { createShipment: 'always', voidPayment: 2 } });
    await rig.orders.startOrder(input);

    const result = await rig.orders.awaitOrderResult(input.orderId);

    expect(result.outcome).toBe('COMPENSATED');
    expect(await eventTypes(input.orderId)).toEqual(['OrderPlaced', 'InventoryReserved', 'FraudScreened', 'PaymentAuthorized', 'PaymentVoided', 'InventoryReleased', 'SagaFailed']);
  });

  it('parks a compensation that keeps failing in COMPENSATION_FAILED, findable, until an operator resolves it', async () => {
    const input = await order({ fail: { createShipment: 'always', voidPayment: 'always' } });
    await rig.orders.startOrder(input);

    await waitFor(async () => (await rig.orders.getOrderState(input.orderId)).status === 'COMPENSATION_FAILED');
    await waitFor(async () => (await rig.orders.listOrders({ status: 'COMPENSATION_FAILED' })).some((r) => r.orderId === input.orderId));
    const parked = await rig.orders.getOrderState(input.orderId);
    expect(parked.steps.find((s) => s.name === 'authorizePayment')).toMatchObject({ status: 'compensation_failed' });

    await rig.orders.resolveCompensation(input.orderId, { note: 'voided by hand in the PSP console', resolvedBy: 'ops@example.com' });
    const result = await rig.orders.awaitOrderResult(input.orderId);

    expect(result.outcome).toBe('COMPENSATION_FAILED');
    expect(result.resolutions).toEqual([{ step: 'authorizePayment', note: 'voided by hand in the PSP console', resolvedBy: 'ops@example.com' }]);
    const failure = await applicationFailureOf(rig.temporal.client.workflow.getHandle(orderWorkflowId(input.orderId)));
    expect(failure).toMatchObject({ type: 'SagaCompensationResolved', message: expect.stringContaining('authorizePayment resolved by hand by ops@example.com') });
    expect(await eventTypes(input.orderId)).toEqual([
      'OrderPlaced',
      'InventoryReserved',
      'FraudScreened',
      'PaymentAuthorized',
      'SagaCompensationFailed',
      'SagaCompensationResolved',
      'InventoryReleased',
      'SagaFailed',
    ]);
    expect(await sagaStatusOf(input.orderId)).toBe('RESOLVED');
  });

  it('runs a parked compensation again on the retry signal, with a fresh retry budget', async () => {
    // Three attempts per budget: the first budget fails (attempts 1-3), the retried one succeeds at attempt 5.
    const input = await order({ fail: { createShipment: 'always', voidPayment: 4 } });
    await rig.orders.startOrder(input);
    await waitFor(async () => (await rig.orders.getOrderState(input.orderId)).status === 'COMPENSATION_FAILED');

    await rig.orders.retryCompensation(input.orderId);

    expect((await rig.orders.awaitOrderResult(input.orderId)).outcome).toBe('COMPENSATED');
    expect(await eventTypes(input.orderId)).toEqual([
      'OrderPlaced',
      'InventoryReserved',
      'FraudScreened',
      'PaymentAuthorized',
      'SagaCompensationFailed',
      'PaymentVoided',
      'InventoryReleased',
      'SagaFailed',
    ]);
  });

  it('compensates when cancelled mid-saga and ends as cancelled', async () => {
    const input = await order({ hang: ['createShipment'] });
    await rig.orders.startOrder(input);
    await waitFor(async () => (await rig.orders.getOrderState(input.orderId)).steps.some((s) => s.name === 'createShipment'));

    await rig.orders.cancelOrder(input.orderId);

    await expect(rig.orders.awaitOrderResult(input.orderId)).rejects.toThrow(WorkflowFailedError);
    const types = await eventTypes(input.orderId);
    expect(types.slice(-3)).toEqual(['PaymentVoided', 'InventoryReleased', 'SagaFailed']);
    expect(await sagaStatusOf(input.orderId)).toBe('COMPENSATED');
    expect((await rig.orders.getOrderState(input.orderId)).failure).toMatchObject({ type: 'Cancelled' });
  });

  it('returns the existing run when the same order is started twice', async () => {
    const input = await order();
    const first = await rig.orders.startOrder(input);
    const second = await rig.orders.startOrder(input);
    await rig.orders.awaitOrderResult(input.orderId);
    const third = await rig.orders.startOrder(input);

    expect(first.started).toBe(true);
    expect(second).toEqual({ ...first, started: false });
    expect(third).toEqual({ ...first, started: false });
    expect((await eventTypes(input.orderId)).filter((t) => t === 'OrderPlaced')).toHaveLength(1);
  });

  it('refuses invalid input listing every issue, and starts nothing', async () => {
    const orderId = randomUUID();
    const attempt = rig.orders.startOrder({ orderId, customerId: '', items: [{ sku: 'mug', quantity: 0, unitPriceCents: -1 }], currency: 'usd' });

    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toThrow(
      /customerId: must not be empty.*items\.0\.quantity: must be at least 1.*items\.0\.unitPriceCents: must not be negative.*currency: must be an ISO 4217 code/,
    );
    await expect(rig.temporal.client.workflow.getHandle(`order-${orderId}`).describe()).rejects.toThrow(/not found/i);
  });

  it('fails a run whose OrderPlaced the contract refuses, and writes nothing: no compensation, no SagaFailed', async () => {
    // Started past the client, which refuses this price since the total (1.8e16 cents) is past 2^53: the workflow must hold on its own.
    const input = { ...(await order()), items: [{ sku: 'mug', quantity: 2, unitPriceCents: 9_000_000_000_000_000 }] };
    const handle = await rig.temporal.client.workflow.start(orderFulfillment, { taskQueue: rig.temporal.taskQueue, workflowId: `order-${input.orderId}`, args: [input] });

    const cause = await applicationFailureOf(handle);

    expect(cause).toMatchObject({ type: 'OpeningEventRefused', nonRetryable: true });
    expect(cause.message).toMatch(/^the opening event OrderPlaced could not be recorded, so the run records nothing else: .*data\.totalCents: must be at most 9007199254740991 cents/);
    expect(await eventTypes(input.orderId)).toEqual([]);
    expect(await sagaStatusOf(input.orderId)).toBe('FAILED');
    expect(await rig.orders.getOrderState(input.orderId)).toMatchObject({ status: 'FAILED', steps: [], failure: { type: 'OpeningEventRefused' } });
  });

  it('brings 100 concurrent sagas with mixed faults to a terminal outcome, with exact event counts', async () => {
    const plans: Array<[FaultPlan, string, number]> = [
      [{}, 'COMPLETED', 7],
      [{ declinePayment: true }, 'COMPENSATED', 6],
      [{ fail: { createShipment: 'always' } }, 'COMPENSATED', 7],
      [{ fail: { capturePayment: 1 } }, 'COMPLETED', 7],
      [{ fail: { reserveInventory: 'always' } }, 'COMPENSATED', 2],
      [{ flagFraud: true }, 'COMPENSATED', 5],
    ];
    const orders = await Promise.all(Array.from({ length: 100 }, async (_, i) => ({ input: await order(plans[i % plans.length]![0]), plan: plans[i % plans.length]! })));

    await Promise.all(orders.map(({ input }) => rig.orders.startOrder(input)));
    const results = await Promise.all(orders.map(({ input }) => rig.orders.awaitOrderResult(input.orderId)));

    results.forEach((result, i) => expect(result.outcome).toBe(orders[i]!.plan[1]));
    const counts = await Promise.all(orders.map(async ({ input }) => (await eventTypes(input.orderId)).length));
    expect(counts).toEqual(orders.map(({ plan }) => plan[2]));
  }, 180_000);
});
