import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import pg from 'pg';
import { createOrderClient, type OrderClient } from '../../processes/orderFulfillment/client';
import type { PlaceOrderInput } from '../../processes/orderFulfillment/commands';
import { orderWorkflowId } from '../../processes/orderFulfillment/workflow';
import { composition } from '../../processes';
import type { FaultPlan } from '../../src/adapters';
import { createTemporalClient } from '../../src/client';
import { connectTemporal } from '../../src/config/connections';
import { exportHistories, readHistoryFiles } from '../../src/histories';
import { isProcessAlive } from '../../src/infra/ports';
import { buildTemporalCli, findTemporalCli } from '../../src/infra/temporalCli';
import { NAMESPACE_RETENTION_HOURS, namespaceSetupScript } from '../../src/infra/temporalSetup';
import { planFaults } from '../support/faults';
import { waitFor } from '../support/waitFor';
import type { ClusterUnderTest } from './globalSetup';

/** How long a standby may take to pick up the projections of a projection worker that was SIGKILLed. */
const FAILOVER_BOUND_MS = 10_000;

describe('the cluster profile: Temporal on PostgreSQL, 2 saga workers, 2 projection workers', () => {
  const cluster = JSON.parse(process.env.SAGAFLOW_CLUSTER_TEST ?? 'null') as ClusterUnderTest;
  type WorkerChild = ClusterUnderTest['workers'][number];
  let connection: Awaited<ReturnType<typeof connectTemporal>>;
  let client: Client;
  let pool: pg.Pool;
  let orders: OrderClient;

  beforeAll(async () => {
    connection = await connectTemporal(cluster.temporalAddress);
    client = createTemporalClient(connection, cluster.namespace);
    pool = new pg.Pool({ connectionString: cluster.databaseUrl, max: 4 });
    orders = createOrderClient({ client, taskQueue: cluster.taskQueue });
  });

  afterAll(async () => {
    await pool?.end();
    await connection?.close();
  });

  const order = async (faults: FaultPlan = {}): Promise<PlaceOrderInput> => {
    const orderId = randomUUID();
    await planFaults(pool, orderWorkflowId(orderId), faults);
    return { orderId, customerId: 'cust-7', items: [{ sku: 'lamp', quantity: 1, unitPriceCents: 5900 }], currency: 'EUR' };
  };
  const livez = async (worker: WorkerChild) => (await (await fetch(`${worker.httpUrl}/livez`)).json()) as { connected: boolean; owned: Array<{ name: string }> };

  it('runs sagas to every outcome: completed, compensated, compensation failed', async () => {
    const completed = await order();
    const declined = await order({ declinePayment: true });
    const parked = await order({ fail: { createShipment: 'always', voidPayment: 'always' } });
    await Promise.all([completed, declined, parked].map((input) => orders.startOrder(input)));

    expect((await orders.awaitOrderResult(completed.orderId)).outcome).toBe('COMPLETED');
    expect((await orders.awaitOrderResult(declined.orderId)).outcome).toBe('COMPENSATED');
    await waitFor(async () => (await orders.getOrderState(parked.orderId)).status === 'COMPENSATION_FAILED', 60_000);
    // Found through the cluster's SQL visibility store, by the SagaStatus search attribute.
    await waitFor(async () => (await orders.listOrders({ status: 'COMPENSATION_FAILED' })).some((r) => r.orderId === parked.orderId), 30_000);
  }, 120_000);

  it('ends a parked saga on an operator signal', async () => {
    const input = await order({ fail: { createShipment: 'always', voidPayment: 'always' } });
    await orders.startOrder(input);
    await waitFor(async () => (await orders.getOrderState(input.orderId)).status === 'COMPENSATION_FAILED', 60_000);

    await orders.resolveCompensation(input.orderId, { note: 'voided by hand', resolvedBy: 'ops@example.com' });
    const result = await orders.awaitOrderResult(input.orderId);

    expect(result.outcome).toBe('COMPENSATION_FAILED');
    expect(result.resolutions).toEqual([{ step: 'authorizePayment', note: 'voided by hand', resolvedBy: 'ops@example.com' }]);
  }, 120_000);

  it('finishes every saga while one saga worker is SIGKILLed and its partner keeps serving', async () => {
    const [victim, partner] = cluster.workers.filter((w) => w.kind === 'saga');
    const inputs = await Promise.all(Array.from({ length: 12 }, () => order()));
    await Promise.all(inputs.map((input) => orders.startOrder(input)));

    process.kill(victim!.pid, 'SIGKILL');
    const results = await Promise.all(inputs.map((input) => orders.awaitOrderResult(input.orderId)));

    expect(results.map((r) => r.outcome)).toEqual(inputs.map(() => 'COMPLETED'));
    expect(isProcessAlive(partner!.pid)).toBe(true);
    expect(isProcessAlive(victim!.pid)).toBe(false);
  }, 180_000);

  it(`hands a killed projection worker's projections to the other within ${FAILOVER_BOUND_MS / 1000} s`, async () => {
    const projectionWorkers = cluster.workers.filter((w) => w.kind === 'projections');
    const owners = await Promise.all(projectionWorkers.map(livez));
    const all = composition.readModels.map((p) => p.name).sort();
    expect(owners.flatMap((o) => o.owned.map((p) => p.name)).sort()).toEqual(all);
    const victimIndex = owners.findIndex((o) => o.owned.length > 0);
    const victim = projectionWorkers[victimIndex]!;
    const survivor = projectionWorkers[1 - victimIndex]!;

    const killedAt = Date.now();
    process.kill(victim.pid, 'SIGKILL');
    await waitFor(async () => (await livez(survivor)).owned.length === all.length, FAILOVER_BOUND_MS);
    const tookMs = Date.now() - killedAt;

    expect((await livez(survivor)).owned.map((p) => p.name).sort()).toEqual(all);
    expect(tookMs).toBeLessThan(FAILOVER_BOUND_MS);
    // The survivor applies what happens next.
    const input = await order();
    await orders.startOrder(input);
    expect((await orders.awaitOrderResult(input.orderId)).outcome).toBe('COMPLETED');
    await waitFor(async () => {
      const health = await fetch(`${survivor.httpUrl}/healthz`);
      return health.status === 200;
    }, 30_000);
  }, 120_000);

  it('exports histories from the cluster that replay against the workflow code', async () => {
    const input = await order({ declinePayment: true });
    await orders.startOrder(input);
    await orders.awaitOrderResult(input.orderId);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagaflow-cluster-histories-'));

    await exportHistories(client, dir, { workflowIds: [orderWorkflowId(input.orderId)] });
    const [file] = readHistoryFiles(dir);
    const bundle = cluster.workflowBundle;

    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: bundle }, replayName: 'cluster-replay' }, file!.history, file!.workflowId)).resolves.toBeUndefined();
    expect(file!.history.events!.length).toBeGreaterThan(10);
  }, 60_000);

  it("registers a namespace and sagaflow's search attributes with docker-compose.yml's temporal-setup script", async () => {
    const namespace = `compose-${randomUUID().slice(0, 8)}`;
    const cli = findTemporalCli() ?? (await buildTemporalCli((line) => console.log(line)));

    // Twice: compose restarts the step on failure, so a second run over a set-up namespace must pass.
    for (let run = 0; run < 2; run++) {
      await promisify(execFile)('sh', ['-euc', namespaceSetupScript(namespace, composition.searchAttributes)], {
        env: { ...process.env, PATH: `${path.dirname(cli)}${path.delimiter}${process.env.PATH ?? ''}`, TEMPORAL_ADDRESS: cluster.temporalAddress },
      });
    }

    const described = await connection.workflowService.describeNamespace({ namespace });
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(NAMESPACE_RETENTION_HOURS * 3600);
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    for (const key of composition.searchAttributes) expect(Object.keys(customAttributes ?? {})).toContain(key.name);
  }, 600_000);
});
