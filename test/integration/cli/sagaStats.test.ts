import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { registerSagaMetrics, stuckAfterResolver, type SagaTypeStats } from '../../../src/read-models';
import { composition } from '../../../processes';
import { cliEnv, runSagaflow } from '../../support/cli';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { planFaults } from '../../support/faults';
import { orderEvents } from '../../support/orderScenarios';
import { catchUp } from '../../support/projections';
import { readModels } from '../../support/readModels';
import { useSagaWorker } from '../../support/sagaWorker';
import { waitFor } from '../../support/waitFor';

const sagaTypes = composition.processes.map((p) => p.sagaType);

describe('saga figures: sagaflow sagas stats and the saga metrics', () => {
  const db = useTestDatabase();
  const rig = useSagaWorker(db);
  const sagaflow = (args: string[], env: Record<string, string> = {}) => runSagaflow(args, { ...cliEnv(db), ...env });
  const items = [{ sku: 'mug', quantity: 1, unitPriceCents: 900 }];

  /** Runs real order sagas to each outcome, plus a run that never got past its first event, and applies the read models. */
  beforeAll(async () => {
    const start = async (faults?: Parameters<typeof planFaults>[2]) => {
      const orderId = randomUUID();
      if (faults) await planFaults(db.pool, `order-${orderId}`, faults);
      await rig.orders.startOrder({ orderId, customerId: 'cust-stats', items, currency: 'USD' });
      return orderId;
    };
    const completed = await start();
    const compensated = await start({ fail: { createShipment: 'always' } });
    const parked = await start({ fail: { createShipment: 'always', voidPayment: 'always' } });
    await rig.orders.awaitOrderResult(completed);
    expect((await rig.orders.awaitOrderResult(compensated)).outcome).toBe('COMPENSATED');
    await waitFor(async () => (await rig.orders.getOrderState(parked)).status === 'COMPENSATION_FAILED');
    // A run whose worker never went on: only its opening event is in the log.
    const [placed] = orderEvents(randomUUID(), 'completed');
    await testEventStore(db).append(`Order-${randomUUID()}`, [{ eventId: randomUUID(), ...placed! }], { expectedVersion: 'no_stream' });
    await catchUp(db.pool, readModels);
  }, 120_000);

  const orderStats = async (env: Record<string, string> = {}, args: string[] = []) => {
    const run = await sagaflow(['sagas', 'stats', '--json', ...args], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    return (JSON.parse(run.stdout) as { sagas: SagaTypeStats[] }).sagas;
  };

  it('counts every outcome, the parked and the stuck, durations, failed steps and compensations by step', async () => {
    const stats = await orderStats();
    expect(stats.map((s) => s.sagaType)).toEqual(sagaTypes);
    const orders = stats.find((s) => s.sagaType === 'OrderFulfillment')!;
    expect(orders).toMatchObject({
      started: 4,
      running: 1,
      parked: 1,
      stuck: 0,
      stuckAfterMs: 15 * 60_000,
      ended: { COMPLETED: 1, COMPENSATED: 1, COMPENSATION_FAILED: 0 },
      parkings: 1,
      resolutions: 0,
      compensationRate: 0.5,
      stepFailures: [{ step: 'createShipment', sagas: 1 }],
    });
    // The compensated run undid the payment, then the reservation; the parked one is still waiting on its payment.
    expect(orders.compensations).toEqual(expect.arrayContaining([{ step: 'authorizePayment', count: 1 }, { step: 'reserveInventory', count: 1 }]));
    expect(orders.compensations).toHaveLength(2);
    const completed = orders.durations.COMPLETED!;
    expect(completed.sagas).toBe(1);
    expect(completed.p50Ms).toBeGreaterThan(0);
    expect(completed.maxMs).toBe(completed.p99Ms);
    expect(stats.filter((s) => s.sagaType !== 'OrderFulfillment').every((s) => s.started === 0 && s.compensationRate === null)).toBe(true);
  });

  it('counts a run going past SAGAFLOW_SAGA_STUCK_AFTER as stuck, not a parked one', async () => {
    const [orders] = await orderStats({ SAGAFLOW_SAGA_STUCK_AFTER: '1h,OrderFulfillment=1ms' }, ['--type', 'OrderFulfillment']);
    expect(orders).toMatchObject({ sagaType: 'OrderFulfillment', stuck: 1, running: 1, parked: 1, stuckAfterMs: 1 });
  });

  it('--since leaves out runs started before it', async () => {
    const [orders] = await orderStats({}, ['--type', 'OrderFulfillment', '--since', new Date(Date.now() + 60_000).toISOString()]);
    expect(orders).toMatchObject({ started: 0, running: 0, parked: 0, ended: { COMPLETED: 0, COMPENSATED: 0, COMPENSATION_FAILED: 0 }, compensations: [] });
    const [recent] = await orderStats({}, ['--type', 'OrderFulfillment', '--since', '1h']);
    expect(recent!.started).toBe(4);
  });

  it('prints tables for people', async () => {
    const run = await sagaflow(['sagas', 'stats', '--type', 'OrderFulfillment']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^OrderFulfillment\s+4\s+1\s+1\s+0\s+1\s+1\s+0\s+50\.0%\s+1\/0\s+15 min 0 s$/m);
    expect(run.stdout).toMatch(/^OrderFulfillment\s+createShipment\s+1$/m);
    expect(run.stdout).toMatch(/^OrderFulfillment\s+reserveInventory\s+1$/m);
  });

  it('exports the same figures as Prometheus metrics', async () => {
    const registry = new Registry();
    registerSagaMetrics(registry, db.pool, { sagaTypes, stuckAfterOf: stuckAfterResolver() });
    const text = await registry.metrics();
    for (const line of [
      'sagaflow_sagas_started_total{saga_type="OrderFulfillment"} 4',
      'sagaflow_sagas_started_total{saga_type="TripBooking"} 0',
      'sagaflow_sagas_ended_total{saga_type="OrderFulfillment",outcome="COMPENSATED"} 1',
      'sagaflow_sagas_parked_total{saga_type="OrderFulfillment"} 1',
      'sagaflow_sagas_parked{saga_type="OrderFulfillment"} 1',
      'sagaflow_sagas_running{saga_type="OrderFulfillment"} 1',
      'sagaflow_sagas_stuck{saga_type="OrderFulfillment"} 0',
      'sagaflow_saga_stuck_after_seconds{saga_type="OrderFulfillment"} 900',
      'sagaflow_saga_step_failures_total{saga_type="OrderFulfillment",step="createShipment"} 1',
      'sagaflow_saga_compensations_total{saga_type="OrderFulfillment",step="reserveInventory"} 1',
      'sagaflow_saga_duration_seconds_bucket{saga_type="OrderFulfillment",outcome="COMPLETED",le="+Inf"} 1',
      'sagaflow_saga_duration_seconds_count{saga_type="OrderFulfillment",outcome="COMPENSATED"} 1',
      'sagaflow_saga_metrics_up 1',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toContain('# TYPE sagaflow_saga_duration_seconds histogram');
    expect(text).toContain('# TYPE sagaflow_sagas_ended_total counter');
  });

  it.each([
    [['--type', 'Nope'], 'error: --type: no saga type "Nope"; known: OrderFulfillment, MoneyTransfer, TripBooking\n'],
    [['--since', 'yesterday'], 'error: --since must be a duration back from now (e.g. 30m, 2h) or an ISO 8601 time (e.g. 2026-12-05T07:00:00Z), got "yesterday"\n'],
  ])('bad usage %j exits 2 naming the option', async (args, message) => {
    expect(await sagaflow(['sagas', 'stats', ...args])).toEqual({ code: 2, stdout: '', stderr: message });
  });

  it('refuses a SAGAFLOW_SAGA_STUCK_AFTER entry that names no saga type of the deployment', async () => {
    const run = await sagaflow(['sagas', 'stats'], { SAGAFLOW_SAGA_STUCK_AFTER: 'Orders=5m' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SAGAFLOW_SAGA_STUCK_AFTER: "Orders" is not a saga type of this deployment, whose saga types are OrderFulfillment, MoneyTransfer, TripBooking');
  });
});

describe('sagaflow sagas stats on a database whose saga_outcomes is older than v3', () => {
  const db = useTestDatabase();

  it('exits 1 saying the saga_runs read model is not there and how to build it', async () => {
    const run = await runSagaflow(['sagas', 'stats'], cliEnv(db));
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toContain('error: the saga_runs read model is not in this database');
    expect(run.stderr).toContain('run `sagaflow projections rebuild saga_outcomes`');
  });
});
