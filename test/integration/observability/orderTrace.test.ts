import { randomUUID } from 'node:crypto';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { createOrderClient, type OrderClient } from '../../../processes/orderFulfillment/client';
import type { PlaceOrderInput } from '../../../processes/orderFulfillment/commands';
import { orderWorkflowId } from '../../../processes/orderFulfillment/workflow';
import { composition } from '../../../processes';
import type { FaultPlan } from '../../../src/adapters';
import { createTemporalClient } from '../../../src/client';
import type { StoredEvent } from '../../../src/eventstore';
import { startTracing, type Tracing } from '../../../src/observability/tracing';
import { waitForProjection } from '../../../src/projections';
import { PROJECTION_BATCH_SPAN } from '../../../src/projections/batchSpan';
import { startProjectionWorker, type ProjectionWorker } from '../../../workers/projectionWorker';
import { createSagaWorker } from '../../../workers/sagaWorker';
import { workflowBundleOptions } from '../../../workers/workflowBundle';
import { SagaStatusKey } from '../../../src/saga';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { planFaults } from '../../support/faults';
import { connectTestTemporal, type TestTemporal } from '../../support/temporal';
import { waitFor } from '../../support/waitFor';
import { quietBundleLogger } from '../../support/bundleLogger';

jest.setTimeout(120_000);

/** One span per line, indented under its parent: what a failing assertion prints. */
function treeOf(spans: readonly ReadableSpan[], rootId: string, depth = 0): string[] {
  const root = spans.find((s) => s.spanContext().spanId === rootId)!;
  const children = spans.filter((s) => s.parentSpanId === rootId).sort((a, b) => hrNanos(a.startTime) - hrNanos(b.startTime));
  return [`${'  '.repeat(depth)}${root.name}`, ...children.flatMap((child) => treeOf(spans, child.spanContext().spanId, depth + 1))];
}
const hrNanos = ([seconds, nanos]: [number, number]) => seconds * 1e9 + nanos;

describe('One trace per order: client start → workflow → activities → appends → projection batches', () => {
  const db = useTestDatabase();
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let temporal: TestTemporal;
  let bundleCode: string;
  let orders: OrderClient;
  let projections: ProjectionWorker;
  let stopWorker: (() => Promise<void>) | undefined;

  /** (Re)starts the file's saga worker: traced with this file's bundle, or untraced with the run's shared one. */
  async function startWorker({ traced }: { traced: boolean }) {
    await stopWorker?.();
    const worker = await createSagaWorker({
      connection: temporal.workerConnection,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      pool: db.pool,
      ...(traced ? { workflowBundle: { code: bundleCode }, tracing } : { workflowBundle: temporal.workflowBundle }),
    });
    const running = worker.run();
    stopWorker = async () => {
      worker.shutdown();
      await running;
    };
  }

  beforeAll(async () => {
    tracing = startTracing({ serviceName: 'sagaflow-test', spanProcessor: new SimpleSpanProcessor(exporter) });
    temporal = await connectTestTemporal();
    // The run's shared bundles are untraced: this file bundles the workflows with the tracing interceptors.
    ({ code: bundleCode } = await bundleWorkflowCode({ logger: quietBundleLogger, ...workflowBundleOptions({ retries: 'fast', tracing: true }) }));
    await startWorker({ traced: true });
    orders = createOrderClient({ client: createTemporalClient(temporal.client.connection, temporal.namespace), taskQueue: temporal.taskQueue });
    projections = await startProjectionWorker({ databaseUrl: db.url, projections: composition.readModels, metricsPort: 0, pollIntervalMs: 100, log: () => undefined });
  });
  afterAll(async () => {
    await projections?.stop();
    await stopWorker?.();
    await temporal?.close();
    await tracing?.shutdown();
  });

  const placeOrder = async (faults: FaultPlan = {}): Promise<PlaceOrderInput> => {
    const orderId = randomUUID();
    await planFaults(db.pool, orderWorkflowId(orderId), faults);
    return { orderId, customerId: 'cust-7', items: [{ sku: 'mug', quantity: 2, unitPriceCents: 1250 }], currency: 'USD' };
  };

  /** Runs one order to its end and its events through every read model; returns its trace's spans and its events. */
  async function traceOf(input: PlaceOrderInput, { started: startNow = true } = {}) {
    if (startNow) await orders.startOrder(input);
    const started = { workflowId: orderWorkflowId(input.orderId) };
    const result = await orders.awaitOrderResult(input.orderId);
    for (const projection of composition.readModels) {
      await waitForProjection(db.pool, projection.name, result.position!, { timeoutMs: 30_000 });
    }
    const events = await testEventStore(db).readStream(`Order-${input.orderId}`);
    const spans = exporter.getFinishedSpans();
    const start = spans.find((s) => s.name === 'StartWorkflow:orderFulfillment' && s.attributes['temporalWorkflowId'] === started.workflowId)!;
    expect(start).toBeDefined();
    const traceId = start.spanContext().traceId;
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
    return { result, events, traceId, start, inTrace, tree: treeOf(inTrace, start.spanContext().spanId) };
  }

  /** The spans of one activity type in the trace: each StartActivity under the run, its attempts (RunActivity) under it, appends under those. */
  function activitySpans(inTrace: ReadableSpan[], run: ReadableSpan, activityType: string) {
    const starts = inTrace.filter((s) => s.name === `StartActivity:${activityType}` && s.parentSpanId === run.spanContext().spanId);
    const attempts = inTrace.filter((s) => s.name === `RunActivity:${activityType}` && starts.some((start) => start.spanContext().spanId === s.parentSpanId));
    const appends = inTrace.filter((s) => s.name === 'sagaflow.append' && attempts.some((attempt) => attempt.spanContext().spanId === s.parentSpanId));
    return { starts, attempts, appends };
  }

  /** Every event's metadata names the order's trace and the StartActivity span whose attempt appended it; every append has its event. */
  function expectEventsInTrace(events: StoredEvent[], inTrace: ReadableSpan[], traceId: string) {
    for (const event of events) {
      expect(event.metadata).toMatchObject({ traceId, correlationId: event.metadata.workflowId });
      const append = inTrace.find((s) => s.name === 'sagaflow.append' && s.attributes['sagaflow.event_id'] === event.eventId);
      expect({ event: event.type, append: append?.attributes }).toMatchObject({
        event: event.type,
        append: { 'sagaflow.stream_id': event.streamId, 'sagaflow.event_type': event.type, 'sagaflow.stream_version': event.version },
      });
      const attempt = inTrace.find((s) => s.spanContext().spanId === append!.parentSpanId)!;
      expect(attempt.name).toMatch(/^RunActivity:/);
      expect(event.metadata.spanId).toBe(attempt.parentSpanId);
    }
  }

  /** Each read model applied the order's events in a batch span linked to the order's trace, at a span its events name. */
  function expectBatchesLinked(events: StoredEvent[], traceId: string) {
    const batches = exporter.getFinishedSpans().filter((s) => s.name === PROJECTION_BATCH_SPAN && s.links.some((link) => link.context.traceId === traceId));
    expect(new Set(batches.map((b) => b.attributes['sagaflow.projection']))).toEqual(new Set(composition.readModels.map((p) => p.name)));
    const eventSpans = new Set(events.map((e) => e.metadata.spanId));
    for (const batch of batches) {
      expect(batch.spanContext().traceId).not.toBe(traceId);
      const link = batch.links.find((l) => l.context.traceId === traceId)!;
      expect(eventSpans.has(link.context.spanId)).toBe(true);
    }
  }

  it('traces a completed order from the start call through every step and append to the projection batches', async () => {
    const { events, traceId, start, inTrace, tree } = await traceOf(await placeOrder());

    expect(start.parentSpanId).toBeUndefined();
    const runs = inTrace.filter((s) => s.name === 'RunWorkflow:orderFulfillment');
    expect(runs).toHaveLength(1);
    expect(runs[0]!.parentSpanId).toBe(start.spanContext().spanId);
    for (const step of ['reserveInventory', 'screenOrder', 'authorizePayment', 'createShipment', 'capturePayment']) {
      const { starts, attempts, appends } = activitySpans(inTrace, runs[0]!, `OrderFulfillment.${step}`);
      expect({ step, starts: starts.length, attempts: attempts.length, appends: appends.length }).toEqual({ step, starts: 1, attempts: 1, appends: 1 });
    }
    // The opening and completion events are recorded by the engine's local activity, in the same trace.
    expect(activitySpans(inTrace, runs[0]!, 'recordSagaEvent').appends.map((s) => s.attributes['sagaflow.event_type'])).toEqual(['OrderPlaced', 'SagaCompleted']);
    expect(events.map((e) => e.type)).toEqual(['OrderPlaced', 'InventoryReserved', 'FraudScreened', 'PaymentAuthorized', 'ShipmentCreated', 'PaymentCaptured', 'SagaCompleted']);
    expectEventsInTrace(events, inTrace, traceId);
    expectBatchesLinked(events, traceId);
    // Every span of the trace hangs under the client's start span: one tree.
    expect(tree).toHaveLength(inTrace.length);
  });

  it('traces a compensated order, its compensations under the same run', async () => {
    const { result, events, traceId, inTrace, tree } = await traceOf(await placeOrder({ fail: { createShipment: 'always' } }));

    expect(result.outcome).toBe('COMPENSATED');
    const run = inTrace.find((s) => s.name === 'RunWorkflow:orderFulfillment')!;
    const shipment = activitySpans(inTrace, run, 'OrderFulfillment.createShipment');
    expect(shipment.starts).toHaveLength(1);
    expect(shipment.attempts.length).toBeGreaterThan(1); // each retry is an attempt span under the one start
    expect(shipment.appends).toHaveLength(0);
    for (const undo of ['cancelShipment', 'voidPayment', 'releaseInventory']) {
      expect({ undo, starts: activitySpans(inTrace, run, `OrderFulfillment.${undo}`).starts.length }).toEqual({ undo, starts: 1 });
    }
    expect(events.map((e) => e.type)).toContain('InventoryReleased');
    expectEventsInTrace(events, inTrace, traceId);
    expectBatchesLinked(events, traceId);
    expect(tree).toHaveLength(inTrace.length);
  });

  /** An order whose shipment and payment void keep failing: it parks, waiting for an operator. */
  async function parkedOrder(): Promise<PlaceOrderInput> {
    const input = await placeOrder({ fail: { createShipment: 'always', voidPayment: 'always' } });
    await orders.startOrder(input);
    const handle = temporal.client.workflow.getHandle(orderWorkflowId(input.orderId));
    await waitFor(async () => (await handle.describe()).typedSearchAttributes.get(SagaStatusKey) === 'COMPENSATION_FAILED');
    return input;
  }

  it('emits no workflow span again: not for queries as the Web UI makes, nor after a worker restart mid-saga, nor on a replay worker', async () => {
    const input = await parkedOrder();
    const handle = temporal.client.workflow.getHandle(orderWorkflowId(input.orderId));

    // Viewing a run queries it; only the client's own query span is new, nothing from the workflow.
    // The projection worker in this process may still be folding the run's last events meanwhile:
    // its batch spans are not the workflow's.
    const beforeQueries = exporter.getFinishedSpans().length;
    await orders.getOrderState(input.orderId);
    await handle.query('__stack_trace');
    const sinceQueries = exporter.getFinishedSpans().slice(beforeQueries).filter((s) => s.name !== PROJECTION_BATCH_SPAN);
    expect(sinceQueries.map((s) => s.name)).toEqual(['QueryWorkflow:sagaState']);

    // A new worker takes the parked run over: it replays the history, then carries on.
    await startWorker({ traced: true });
    await orders.resolveCompensation(input.orderId, { note: 'voided by phone', resolvedBy: 'ops' });
    const { inTrace, tree, events, traceId } = await traceOf(input, { started: false });

    const ids = exporter.getFinishedSpans().map((s) => s.spanContext().spanId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(inTrace.filter((s) => s.name === 'RunWorkflow:orderFulfillment')).toHaveLength(1);
    const run = inTrace.find((s) => s.name === 'RunWorkflow:orderFulfillment')!;
    for (const step of ['reserveInventory', 'screenOrder', 'authorizePayment', 'createShipment', 'cancelShipment', 'voidPayment']) {
      expect({ step, starts: activitySpans(inTrace, run, `OrderFulfillment.${step}`).starts.length }).toEqual({ step, starts: 1 });
    }
    expect(events.map((e) => e.type)).toContain('SagaCompensationResolved');
    expectEventsInTrace(events, inTrace, traceId);
    expect(tree).toHaveLength(inTrace.length);

    const beforeReplay = exporter.getFinishedSpans().length;
    await Worker.runReplayHistory({ workflowBundle: { code: bundleCode }, sinks: { exporter: { export: { fn: () => undefined } } } }, await handle.fetchHistory());
    expect(exporter.getFinishedSpans().slice(beforeReplay).filter((s) => s.name !== PROJECTION_BATCH_SPAN)).toEqual([]);
  });

  it('continues a run started on an untraced worker on a traced one: the same event ids, an unbroken causation chain, the new events traced', async () => {
    await startWorker({ traced: false });
    const input = await parkedOrder();
    await startWorker({ traced: true });
    await orders.resolveCompensation(input.orderId, { note: 'voided by phone', resolvedBy: 'ops' });
    const { result, events, traceId } = await traceOf(input, { started: false });

    expect(result.outcome).toBe('COMPENSATION_FAILED'); // resolved by hand
    expect(events.slice(1).map((e) => e.metadata.causationId)).toEqual(events.slice(0, -1).map((e) => e.eventId));
    const resolved = events.findIndex((e) => e.type === 'SagaCompensationResolved');
    expect(events.slice(0, resolved).every((e) => e.metadata.traceId === undefined)).toBe(true);
    expect(events.slice(resolved).map((e) => e.metadata.traceId)).toEqual(events.slice(resolved).map(() => traceId));
  });
});
