import { randomUUID } from 'node:crypto';
import { readModel, readModels } from '../../support/readModels';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { appendOrder, ORDER_LINE, type OrderScenario } from '../../support/orderScenarios';
import { catchUp } from '../../support/projections';

describe('the order read models', () => {
  const db = useTestDatabase();
  const orders = {} as Record<OrderScenario, string>;
  /** The same scenarios as runs started before the engine's saga events wrote them (OrderCompleted, OrderCancelled, …). */
  const legacyOrders = {} as Record<OrderScenario, string>;
  let parkedStream = '';
  const scenarios: OrderScenario[] = ['completed', 'outOfStock', 'declined', 'shipmentFailed', 'captureFailed', 'compensationResolved'];

  beforeAll(async () => {
    const store = testEventStore(db);
    for (const scenario of scenarios) orders[scenario] = await appendOrder(store, scenario);
    for (const scenario of scenarios) legacyOrders[scenario] = await appendOrder(store, scenario, undefined, 'legacy');
    // Other saga types: a trip that completed (engine events) and a transfer compensated before them (its own types).
    await store.append(`Trip-${randomUUID()}`, [{ eventId: randomUUID(), type: 'SagaCompleted', data: { sagaType: 'TripBooking', tripId: 't-1' } }], { expectedVersion: 'no_stream' });
    await store.append(`Transfer-${randomUUID()}`, [{ eventId: randomUUID(), type: 'TransferFailed', data: { transferId: 'x-1', reason: 'declined', failedStep: 'depositFunds' } }], {
      expectedVersion: 'no_stream',
    });
    // A run parked now: its compensation out of retries, no operator yet.
    parkedStream = `Order-${randomUUID()}`;
    await store.append(parkedStream, [{ eventId: randomUUID(), type: 'SagaCompensationFailed', data: { sagaType: 'OrderFulfillment', orderId: 'o-parked', step: 'voidPayment', error: 'bank down', attempts: 3 } }], {
      expectedVersion: 'no_stream',
    });
    // Small pages, so that streams straddle batches.
    await catchUp(db.pool, readModels, 7);
  });

  const summary = async (scenario: OrderScenario, of = orders) =>
    (await db.pool.query('select * from order_summary where order_id = $1', [of[scenario]])).rows[0] as Record<string, unknown>;

  it('order_summary: a completed order with its total, items and last event', async () => {
    expect(await summary('completed')).toMatchObject({
      stream_id: `Order-${orders.completed}`,
      customer_id: 'cust-7',
      status: 'COMPLETED',
      outcome: 'COMPLETED',
      total_cents: String(ORDER_LINE.quantity * ORDER_LINE.unitPriceCents),
      currency: 'EUR',
      items: [{ sku: 'lamp', quantity: 2 }],
      failed_step: null,
      last_event_type: 'SagaCompleted',
      last_stream_version: '6',
    });
  });

  it.each([
    ['outOfStock', 'reserveInventory', 'out of stock: lamp', 2],
    ['declined', 'authorizePayment', 'payment declined: insufficient funds', 5],
    ['shipmentFailed', 'createShipment', 'carrier unavailable', 6],
    ['captureFailed', 'capturePayment', 'capture timed out', 8],
  ] as const)('order_summary: compensated at %s names the failed step %s', async (scenario, failedStep, reason, versions) => {
    expect(await summary(scenario)).toMatchObject({
      status: 'COMPENSATED',
      outcome: 'COMPENSATED',
      failed_step: failedStep,
      failure_reason: reason,
      last_event_type: 'SagaFailed',
      last_stream_version: String(versions),
    });
  });

  it('order_summary: a compensation resolved by hand ends COMPENSATION_FAILED, status RESOLVED, with who resolved it', async () => {
    expect(await summary('compensationResolved')).toMatchObject({ status: 'RESOLVED', outcome: 'COMPENSATION_FAILED', failed_step: 'createShipment', resolved_by: 'ops-ana' });
  });

  it.each(scenarios)('order_summary and order_timeline: %s reads the same whether the saga events are the engine’s or the order’s own', async (scenario) => {
    const comparable = (row: Record<string, unknown>) => ({ ...row, order_id: undefined, stream_id: undefined, last_event_type: undefined, placed_at: undefined, updated_at: undefined });
    expect(comparable(await summary(scenario, legacyOrders))).toEqual(comparable(await summary(scenario)));
    // Details name the order's own reservation, payment and shipment ids.
    const timeline = async (orderId: string) =>
      (
        await db.pool.query<{ detail: string | null }>('select stream_version, step, compensation, compensates, result, detail from order_timeline where order_id = $1 order by stream_version', [
          orderId,
        ])
      ).rows.map((row) => ({ ...row, detail: row.detail?.replaceAll(orderId, '<order>') }));
    expect(await timeline(legacyOrders[scenario])).toEqual(await timeline(orders[scenario]));
  });

  it('order_timeline: every step in stream order with its time, compensations marked with what they undo', async () => {
    const { rows } = await db.pool.query(
      'select step, compensation, compensates, result, event_type, occurred_at from order_timeline where order_id = $1 order by stream_version',
      [orders.captureFailed],
    );
    expect(rows.map((r: Record<string, unknown>) => [r.step, r.compensation, r.compensates, r.result])).toEqual([
      ['placeOrder', false, null, 'done'],
      ['reserveInventory', false, null, 'done'],
      ['authorizePayment', false, null, 'done'],
      ['createShipment', false, null, 'done'],
      ['cancelShipment', true, 'createShipment', 'done'],
      ['voidPayment', true, 'authorizePayment', 'done'],
      ['releaseInventory', true, 'reserveInventory', 'done'],
      ['cancelOrder', false, null, 'done'],
    ]);
    expect(rows.every((r) => r.occurred_at instanceof Date)).toBe(true);

    const resolved = await db.pool.query('select step, compensation, compensates, result, detail from order_timeline where order_id = $1 and compensation order by stream_version', [
      orders.compensationResolved,
    ]);
    expect(resolved.rows).toEqual([
      { step: 'voidPayment', compensation: true, compensates: 'authorizePayment', result: 'failed', detail: 'void rejected by the bank (after 3 attempts)' },
      { step: 'voidPayment', compensation: true, compensates: 'authorizePayment', result: 'resolved', detail: 'voided by phone (by ops-ana)' },
      { step: 'releaseInventory', compensation: true, compensates: 'reserveInventory', result: 'done', detail: 'order compensated' },
    ]);
    const declined = await db.pool.query(`select step, result, detail from order_timeline where order_id = $1 and event_type in ('OrderPlaced', 'PaymentDeclined') order by stream_version`, [
      orders.declined,
    ]);
    expect(declined.rows).toEqual([
      { step: 'placeOrder', result: 'done', detail: '2 × lamp; total 3000 cents EUR' },
      { step: 'authorizePayment', result: 'failed', detail: 'insufficient funds' },
    ]);
  });

  it('saga_outcomes: one count per saga type, outcome and failed step in the hour, from the engine’s events and each process’s own', async () => {
    const { rows } = await db.pool.query<{ saga_type: string; outcome: string; failed_step: string | null; hour: Date; sagas: string }>(
      'select saga_type, outcome, failed_step, hour, sagas from saga_outcomes order by saga_type, outcome, failed_step nulls first',
    );
    expect(rows.map((r) => [r.saga_type, r.outcome, r.failed_step, Number(r.sagas)])).toEqual([
      ['MoneyTransfer', 'COMPENSATED', 'depositFunds', 1],
      ['OrderFulfillment', 'COMPENSATED', 'authorizePayment', 2],
      ['OrderFulfillment', 'COMPENSATED', 'capturePayment', 2],
      ['OrderFulfillment', 'COMPENSATED', 'createShipment', 2],
      ['OrderFulfillment', 'COMPENSATED', 'reserveInventory', 2],
      ['OrderFulfillment', 'COMPENSATION_FAILED', 'createShipment', 2],
      ['OrderFulfillment', 'COMPLETED', null, 2],
      ['TripBooking', 'COMPLETED', null, 1],
    ]);
    const hour = new Date();
    hour.setUTCMinutes(0, 0, 0);
    expect(rows.every((r) => Math.abs(r.hour.getTime() - hour.getTime()) <= 3_600_000)).toBe(true);
    expect(rows.every((r) => r.hour.getUTCMinutes() === 0 && r.hour.getUTCSeconds() === 0)).toBe(true);
  });

  it('saga_runs: one row per run of every saga type, with its start, its end, and its parking and resolutions', async () => {
    const run = async (streamId: string) => (await db.pool.query('select * from saga_runs where stream_id = $1', [streamId])).rows[0] as Record<string, unknown>;
    for (const of of [orders, legacyOrders]) {
      const resolved = await run(`Order-${of.compensationResolved}`);
      expect(resolved).toMatchObject({ saga_type: 'OrderFulfillment', outcome: 'COMPENSATION_FAILED', failed_step: 'createShipment', parked: false, parked_count: 1, resolved_count: 1, resolved: true });
      expect((resolved.finished_at as Date).getTime()).toBeGreaterThanOrEqual((resolved.started_at as Date).getTime());
      expect(await run(`Order-${of.completed}`)).toMatchObject({ outcome: 'COMPLETED', parked: false, parked_count: 0, compensated_steps: [] });
    }
    expect(await run(parkedStream)).toMatchObject({ saga_type: 'OrderFulfillment', outcome: null, parked: true, parked_count: 1, resolved_count: 0, finished_at: null });
    const { rows } = await db.pool.query('select saga_type, count(*)::int as runs, count(started_at)::int as started from saga_runs group by saga_type order by saga_type');
    expect(rows).toEqual([
      { saga_type: 'MoneyTransfer', runs: 1, started: 1 },
      { saga_type: 'OrderFulfillment', runs: 2 * scenarios.length + 1, started: 2 * scenarios.length + 1 },
      { saga_type: 'TripBooking', runs: 1, started: 1 },
    ]);
  });

  it('inventory_levels: reserved and released quantities per sku', async () => {
    const { rows } = await db.pool.query('select sku, reserved, released, held from inventory_levels');
    // Reserved by all but the out-of-stock orders; released by the four compensated after reserving, twice over.
    expect(rows).toEqual([{ sku: 'lamp', reserved: String(2 * 5 * ORDER_LINE.quantity), released: String(2 * 4 * ORDER_LINE.quantity), held: String(2 * ORDER_LINE.quantity) }]);
  });

  it('readers use stable views over the active version’s tables', async () => {
    const { rows } = await db.pool.query<{ viewname: string; definition: string }>(
      `select viewname, definition from pg_views where viewname in ('order_summary', 'order_timeline', 'saga_outcomes', 'inventory_levels') order by viewname`,
    );
    expect(rows.map((r) => [r.viewname, r.definition.includes(`_v${readModel(r.viewname).version}`)])).toEqual([
      ['inventory_levels', true],
      ['order_summary', true],
      ['order_timeline', true],
      ['saga_outcomes', true],
    ]);
  });
});
