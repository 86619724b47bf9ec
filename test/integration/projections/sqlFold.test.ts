import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { contracts } from '../../support/contracts';
import type { OrderEvent } from '../../../processes/orderFulfillment/domainEvents';
import type { SagaEvent } from '../../../src/contracts';
import { rebuildProjection, setupProjection, skipEvent } from '../../../src/projections';
import { orderSummary } from '../../../processes/orderFulfillment/readModels/orderSummary';
import { orderTimeline } from '../../../processes/orderFulfillment/readModels/orderTimeline';
import { readModel } from '../../support/readModels';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { catchUp } from '../../support/projections';
import { appendOrders, referenceOf, rowsOf, runKilledRebuild } from '../../support/rebuilds';

const reference = referenceOf(orderSummary);

/**
 * Any event an order stream may hold, in any order: the set-based fold must agree with the handler
 * on every sequence, not just the saga's. The engine's saga events come of the order saga and of
 * another, which the order read models must leave out.
 */
function orderEvent(orderId: string): fc.Arbitrary<OrderEvent | SagaEvent> {
  const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
  const items = fc.array(fc.record({ sku: text, quantity: fc.integer({ min: 1, max: 9 }) }), { minLength: 1, maxLength: 3 });
  const cents = fc.integer({ min: 0, max: 10_000_000 });
  return fc.oneof(
    fc.record({ customerId: text, items, totalCents: cents, currency: fc.constantFrom('EUR', 'USD') }).map((d) => ({ type: 'OrderPlaced', data: { orderId, ...d } }) as const),
    items.map((i) => ({ type: 'InventoryReserved', data: { orderId, reservationId: 'r', items: i } }) as const),
    text.map((reason) => ({ type: 'InventoryReleased', data: { orderId, reservationId: 'r', reason } }) as const),
    fc
      .record({ score: fc.integer({ min: 0, max: 100 }), decision: fc.constantFrom('accepted', 'rejected'), reasons: fc.array(text, { maxLength: 3 }) })
      .map((d) => ({ type: 'FraudScreened', data: { orderId, ...d } }) as const),
    cents.map((amountCents) => ({ type: 'PaymentAuthorized', data: { orderId, paymentId: 'p', amountCents } }) as const),
    text.map((reason) => ({ type: 'PaymentDeclined', data: { orderId, reason } }) as const),
    text.map((reason) => ({ type: 'PaymentVoided', data: { orderId, paymentId: 'p', reason } }) as const),
    fc.constant({ type: 'ShipmentCreated', data: { orderId, shipmentId: 's', carrier: 'dhl' } } as const),
    text.map((reason) => ({ type: 'ShipmentCancelled', data: { orderId, shipmentId: 's', reason } }) as const),
    cents.map((amountCents) => ({ type: 'PaymentCaptured', data: { orderId, paymentId: 'p', amountCents } }) as const),
    cents.map((amountCents) => ({ type: 'PaymentRefunded', data: { orderId, paymentId: 'p', amountCents, reason: 'undo' } }) as const),
    fc.constant({ type: 'OrderCompleted', data: { orderId } } as const),
    fc.record({ reason: text, failedStep: fc.option(text, { nil: undefined }) }).map(({ reason, failedStep }) => ({
      type: 'OrderCancelled' as const,
      data: failedStep === undefined ? { orderId, reason } : { orderId, reason, failedStep },
    })),
    fc.record({ step: text, attempts: fc.integer({ min: 1, max: 9 }) }).map((d) => ({ type: 'CompensationFailed', data: { orderId, error: 'boom', ...d } }) as const),
    fc.record({ step: text, resolvedBy: text }).map((d) => ({ type: 'CompensationResolved', data: { orderId, note: 'by hand', ...d } }) as const),
    ...sagaEvent(orderId),
  );
}

function sagaEvent(orderId: string): fc.Arbitrary<SagaEvent>[] {
  const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
  const subject = fc.constantFrom('OrderFulfillment', 'TripBooking').map((sagaType) => ({ sagaType, orderId }));
  return [
    subject.map((s) => ({ type: 'SagaCompleted', data: s }) as const),
    fc.record({ s: subject, reason: text, failedStep: fc.option(text, { nil: undefined }) }).map(({ s, reason, failedStep }) => ({
      type: 'SagaFailed' as const,
      data: failedStep === undefined ? { ...s, reason } : { ...s, reason, failedStep },
    })),
    fc.record({ s: subject, step: text, attempts: fc.integer({ min: 1, max: 9 }) }).map(({ s, ...d }) => ({ type: 'SagaCompensationFailed', data: { ...s, error: 'boom', ...d } }) as const),
    fc.record({ s: subject, step: text, resolvedBy: text }).map(({ s, ...d }) => ({ type: 'SagaCompensationResolved', data: { ...s, note: 'by hand', ...d } }) as const),
  ];
}

/** Some events carry the step engine's mark of the step that recorded them: saga_runs lists the compensated ones. */
const stepMark = fc.option(
  fc.oneof(fc.record({ step: fc.constantFrom('reserveInventory', 'authorizePayment') }), fc.record({ compensates: fc.constantFrom('reserveInventory', 'authorizePayment') })),
  { nil: undefined },
);
const markedOrderEvent = (orderId: string) => fc.tuple(orderEvent(orderId), stepMark).map(([event, mark]) => (mark ? { ...event, metadata: mark } : event));

const orders = fc.array(
  fc.uuid().chain((orderId) => fc.tuple(fc.constant(orderId), fc.array(markedOrderEvent(orderId), { minLength: 1, maxLength: 9 }), fc.nat())),
  { minLength: 1, maxLength: 12 },
);

describe("the read models' set-based rebuilds", () => {
  const db = useTestDatabase();

  it.each([
    { projection: orderSummary, table: 'order_summary', key: 'order_id' },
    { projection: orderTimeline, table: 'order_timeline', key: 'order_id, stream_version' },
    { projection: readModel('saga_outcomes'), table: 'saga_runs', key: 'stream_id' },
  ])('$table: equals the rows its handler builds one batch at a time, for any sequence of order events', async ({ projection, table, key }) => {
    const store = testEventStore(db);
    const referenceProjection = referenceOf(projection);
    await fc.assert(
      fc.asyncProperty(orders, async (generated) => {
        // Each stream in two appends, the second parts after all the first, so streams interleave in the log.
        for (const part of [0, 1]) {
          for (const [orderId, events, cut] of generated) {
            const split = cut % (events.length + 1);
            const slice = part === 0 ? events.slice(0, split) : events.slice(split);
            if (slice.length === 0) continue;
            await store.append(`Order-${orderId}`, slice.map((event) => ({ eventId: randomUUID(), ...event })), { expectedVersion: 'any' });
          }
        }
        await catchUp(db.pool, [referenceProjection], 7);
        const report = await rebuildProjection(db.pool, projection, { contracts, partitions: 3, keepOld: true });
        expect(report.fold).toEqual({ sqlPartitions: [0, 1, 2], handlerReason: undefined });
        expect(await rowsOf(db.pool, table, key)).toEqual(await rowsOf(db.pool, `reference_${table}`, key));
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('folds through apply when asked to, and when partitions had begun that way before a crash', async () => {
    await appendOrders(testEventStore(db), 120);
    await catchUp(db.pool, [reference]);
    const asked = await rebuildProjection(db.pool, orderSummary, { contracts, partitions: 4, batchSize: 50, fold: 'handler' });
    expect(asked).toMatchObject({ fold: { sqlPartitions: [], handlerReason: 'asked for (fold: handler)' }, validation: { equal: true } });

    // A rebuild through apply, killed after its first committed page. Partitions fold side by side;
    // with one connection to share they take turns, so exactly one has begun.
    const killed = await runKilledRebuild(db.pool, db.url, { PROJECTION: orderSummary.name, FOLD: 'handler', PARTITIONS: '4', BATCH_SIZE: '10', KILL_AFTER_PAGES: '1', POOL_MAX: '2' });
    expect(killed).toEqual({ signal: 'SIGKILL', stderr: '' });
    const { rows } = await db.pool.query<{ partition: number; begun: boolean }>(
      `select partition, events_done > 0 as begun from projection_build_partitions where name = $1 and purpose = 'rebuild' order by partition`,
      [orderSummary.name],
    );
    const fresh = rows.filter((r) => !r.begun).map((r) => r.partition);
    const begun = rows.filter((r) => r.begun).map((r) => r.partition);
    expect(rows).toHaveLength(4);
    expect(begun).toHaveLength(1);

    const resumed = await rebuildProjection(db.pool, orderSummary, { contracts, partitions: 4, batchSize: 50 });
    expect(resumed).toMatchObject({
      resumed: true,
      fold: { sqlPartitions: fresh, handlerReason: `partitions ${begun.join(', ')} had begun folding through apply` },
      validation: { equal: true },
    });
    expect(await rowsOf(db.pool, 'order_summary', 'order_id')).toEqual(await rowsOf(db.pool, 'reference_order_summary', 'order_id'));
  }, 60_000);

  it('resumes a SQL fold killed part way: finished partitions stay as they are, the rest fold in SQL', async () => {
    await appendOrders(testEventStore(db), 60);
    await catchUp(db.pool, [reference]);
    // Killed once a partition's statement has committed; others may commit alongside, or roll back.
    const killed = await runKilledRebuild(db.pool, db.url, { PROJECTION: orderSummary.name, FOLD: 'auto', PARTITIONS: '4', KILL_AFTER_PAGES: '1' });
    expect(killed).toEqual({ signal: 'SIGKILL', stderr: '' });
    const { rows } = await db.pool.query<{ partition: number }>(
      `select partition from projection_build_partitions where name = $1 and purpose = 'rebuild' and events_done = 0 order by partition`,
      [orderSummary.name],
    );
    expect(rows.length).toBeLessThan(4);

    const resumed = await rebuildProjection(db.pool, orderSummary, { contracts, partitions: 4 });
    expect(resumed).toMatchObject({ resumed: true, fold: { sqlPartitions: rows.map((r) => r.partition), handlerReason: undefined }, validation: { equal: true } });
    expect(await rowsOf(db.pool, 'order_summary', 'order_id')).toEqual(await rowsOf(db.pool, 'reference_order_summary', 'order_id'));
  }, 60_000);

  it('leaves out an event an operator skipped, as apply does', async () => {
    const orderId = randomUUID();
    const store = testEventStore(db);
    await store.append(`Order-${orderId}`, [{ eventId: randomUUID(), type: 'OrderPlaced', data: { orderId, customerId: 'c', items: [{ sku: 'mug', quantity: 1 }], totalCents: 500, currency: 'EUR' } }], { expectedVersion: 'no_stream' });
    const { checkpoint } = await store.append(`Order-${orderId}`, [{ eventId: randomUUID(), type: 'OrderCompleted', data: { orderId } }], { expectedVersion: 1 });
    await setupProjection(db.pool, orderSummary);
    await skipEvent(db.pool, orderSummary.name, checkpoint.globalPosition, { reason: 'a test', actor: 'jest' });

    const report = await rebuildProjection(db.pool, orderSummary, { contracts, partitions: 2 });
    expect(report).toMatchObject({ fold: { sqlPartitions: [0, 1] }, validation: { equal: true } });
    const { rows } = await db.pool.query('select status, last_event_type from order_summary where order_id = $1', [orderId]);
    expect(rows).toEqual([{ status: 'RUNNING', last_event_type: 'OrderPlaced' }]);
  });

  it('folds through apply when the log holds payloads older than their contract, which only upcasters read', async () => {
    const orderId = randomUUID();
    // An OrderPlaced v1 row, as an older release stored it: total in dollars.
    await db.pool.query(`select * from sagaflow_append_events($1, 'Order', 'no_stream', null, $2, $3, $4, $5, $6, false)`, [
      `Order-${orderId}`,
      [randomUUID()],
      ['OrderPlaced'],
      [1],
      [JSON.stringify({ orderId, customerId: 'c', items: [{ sku: 'mug', quantity: 1 }], total: '12.34' })],
      ['{}'],
    ]);
    await catchUp(db.pool, [reference]);
    const report = await rebuildProjection(db.pool, orderSummary, { contracts, partitions: 2 });
    expect(report).toMatchObject({
      fold: { sqlPartitions: [], handlerReason: "the log holds OrderPlaced v1 payloads, which only apply's upcasters bring up to date" },
      validation: { equal: true },
    });
    const { rows } = await db.pool.query('select total_cents, currency from order_summary where order_id = $1', [orderId]);
    expect(rows).toEqual([{ total_cents: '1234', currency: 'USD' }]);
  });
});
