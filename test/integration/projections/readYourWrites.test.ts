import { randomUUID } from 'node:crypto';
import type { PlaceOrderInput } from '../../../processes/orderFulfillment/commands';
import type { Checkpoint } from '../../../src/eventstore';
import { compareCheckpoints } from '../../../src/eventstore';
import { InvalidArgumentError, ProjectionWaitTimeoutError, UnknownProjectionError, waitForProjection } from '../../../src/projections';
import { createOrderReader } from '../../../processes/orderFulfillment/readModels/orderReader';
import { orderSummary } from '../../../processes/orderFulfillment/readModels/orderSummary';
import { readModels } from '../../support/readModels';
import { startProjectionWorker, type ProjectionWorker } from '../../../workers/projectionWorker';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { useSagaWorker } from '../../support/sagaWorker';
import { waitFor } from '../../support/waitFor';

describe('read-your-writes: a command reports the position of its last event, and reads wait for a projection to pass it', () => {
  const db = useTestDatabase();
  const rig = useSagaWorker(db);
  let worker: ProjectionWorker | undefined;

  const startWorker = async () => {
    worker = await startProjectionWorker({ databaseUrl: db.url, projections: readModels, metricsPort: 0, pollIntervalMs: 100 });
  };
  const stopWorker = async () => {
    await worker?.stop();
    worker = undefined;
  };
  afterAll(stopWorker);

  const order = (): PlaceOrderInput => ({
    orderId: randomUUID(),
    customerId: 'cust-ryw',
    items: [{ sku: 'mug', quantity: 2, unitPriceCents: 1250 }],
    currency: 'USD',
  });

  /** An event no order read model reads, appended straight to the log. */
  const appendTransferRequested = async (): Promise<Checkpoint> => {
    const transferId = randomUUID();
    const { checkpoint } = await testEventStore(db).append(
      `Transfer-${transferId}`,
      [{ eventId: randomUUID(), type: 'TransferRequested', data: { transferId, fromAccount: 'acc-1', toAccount: 'acc-2', amountCents: 100, currency: 'USD' } }],
      { expectedVersion: 'no_stream' },
    );
    return checkpoint;
  };

  it("getOrder at least the result's position returns the order as its saga ended", async () => {
    await startWorker();
    const orders = createOrderReader(db.pool);
    const input = order();
    await rig.orders.startOrder(input);

    const result = await rig.orders.awaitOrderResult(input.orderId);

    expect(result.outcome).toBe('COMPLETED');
    const [last] = (await testEventStore(db).readStream(`Order-${input.orderId}`)).slice(-1);
    expect(result.position).toEqual({ transactionId: last!.transactionId, globalPosition: last!.globalPosition });
    expect((await rig.orders.getOrderState(input.orderId)).position).toEqual(result.position);
    expect(await orders.getOrder(input.orderId, { atLeast: result.position! })).toMatchObject({
      orderId: input.orderId,
      customerId: 'cust-ryw',
      status: 'COMPLETED',
      outcome: 'COMPLETED',
      totalCents: 2500,
      lastEventType: 'SagaCompleted',
      streamVersion: 7,
    });
  });

  it("after startOrder, the saga state's position is at least OrderPlaced, and getOrder waits for the order's row", async () => {
    const orders = createOrderReader(db.pool);
    const input = order();
    await rig.orders.startOrder(input);

    let position: Checkpoint | undefined;
    await waitFor(async () => (position = (await rig.orders.getOrderState(input.orderId)).position) !== undefined, 10_000);

    const row = await orders.getOrder(input.orderId, { atLeast: position! });
    expect(row).toMatchObject({ orderId: input.orderId, customerId: 'cust-ryw' });
    expect(row!.streamVersion).toBeGreaterThanOrEqual(1);
    const { position: end } = await rig.orders.awaitOrderResult(input.orderId);
    await waitForProjection(db.pool, 'order_summary', end!, { timeoutMs: 10_000 });
  });

  it('with the projection worker stopped, the wait times out naming the projection, the position and where it stands; it passes once the worker is back', async () => {
    await stopWorker();
    const orders = createOrderReader(db.pool);
    const input = order();
    await rig.orders.startOrder(input);
    const { position } = await rig.orders.awaitOrderResult(input.orderId);

    const waiting = orders.getOrder(input.orderId, { atLeast: position!, timeoutMs: 500 });

    await expect(waiting).rejects.toThrow(ProjectionWaitTimeoutError);
    const error = (await waiting.catch((e: unknown) => e)) as ProjectionWaitTimeoutError;
    expect(error.message).toContain(`projection order_summary v${orderSummary.version} did not pass`);
    expect(error.message).toContain(`position ${position!.globalPosition} (transaction ${position!.transactionId})`);
    expect(error.message).toContain('7 events of its types still to apply');
    expect(error.message).toContain('no worker owns it');
    expect(compareCheckpoints(error.standing.checkpoint, position!)).toBeLessThan(0);

    await startWorker();
    expect(await orders.getOrder(input.orderId, { atLeast: position!, timeoutMs: 10_000 })).toMatchObject({ status: 'COMPLETED' });
  });

  it("a position of an event type the projection does not read resolves at once, though its checkpoint stays behind it", async () => {
    const input = order();
    await rig.orders.startOrder(input);
    const { position: orderEnd } = await rig.orders.awaitOrderResult(input.orderId);
    await waitForProjection(db.pool, 'order_summary', orderEnd!, { timeoutMs: 10_000 });
    await stopWorker(); // nobody will move the checkpoint now

    const transfer = await appendTransferRequested();
    const passed = await waitForProjection(db.pool, 'order_summary', transfer, { timeoutMs: 2_000 });

    expect(passed).toMatchObject({ name: 'order_summary', version: orderSummary.version });
    expect(compareCheckpoints(passed.checkpoint, transfer)).toBeLessThan(0);
  });

  it('waits while a transaction older than the position is in flight, since an event of the projection may still appear before it', async () => {
    const older = await db.pool.connect();
    try {
      await older.query('begin');
      await older.query('select pg_current_xact_id()'); // takes a transaction id now, below the append's
      const transfer = await appendTransferRequested();

      const early = await waitForProjection(db.pool, 'order_summary', transfer, { timeoutMs: 300 }).catch((e: unknown) => e);
      expect(early).toBeInstanceOf(ProjectionWaitTimeoutError);
      expect((early as Error).message).toContain('a transaction older than the position is still in flight');

      const waiting = waitForProjection(db.pool, 'order_summary', transfer, { timeoutMs: 5_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await older.query('commit');
      await expect(waiting).resolves.toMatchObject({ name: 'order_summary' });
    } finally {
      older.release();
    }
  });

  it('an unknown projection or a malformed position is a clear error', async () => {
    const position = await appendTransferRequested();
    await expect(waitForProjection(db.pool, 'order_sumary', position)).rejects.toThrow(UnknownProjectionError);
    await expect(waitForProjection(db.pool, 'order_sumary', position)).rejects.toThrow(/no projection named order_sumary is deployed here \(deployed: .*order_summary/);
    await expect(waitForProjection(db.pool, 'order_summary', { transactionId: '12x', globalPosition: 0 }, { timeoutMs: -1 })).rejects.toThrow(
      'invalid waitForProjection arguments: position.transactionId: must be a transaction id as a decimal string; position.globalPosition: must be at least 1; timeoutMs: must not be negative',
    );
    await expect(waitForProjection(db.pool, 'order_summary', { transactionId: '9000000000', globalPosition: 1 })).rejects.toThrow(
      /position\.transactionId: .* of a transaction this database has not started/,
    );
    await expect(createOrderReader(db.pool).getOrder('', { atLeast: position })).rejects.toThrow(InvalidArgumentError);
    await expect(createOrderReader(db.pool).getOrder('o-1', { atLeast: undefined })).rejects.toThrow('invalid getOrder arguments: atLeast: must be a log position when given');
  });
});
