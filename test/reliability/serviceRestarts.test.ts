import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { createOrderClient, type OrderClient } from '../../processes/orderFulfillment/client';
import type { PlaceOrderInput } from '../../processes/orderFulfillment/commands';
import { createPool } from '../../src/config/connections';
import { stateDir } from '../../src/infra/paths';
import { startEmbeddedPostgres, type PostgresService } from '../../src/infra/postgres';
import { startDevServer, type TemporalService } from '../../src/infra/temporal';
import { composition } from '../../processes';
import { orderWorkflowId } from '../../processes/orderFulfillment/workflow';
import { planFaults } from '../support/faults';
import { useTestDatabase } from '../support/database';
import { connectTestTemporal, type TestTemporal } from '../support/temporal';
import { spawnSagaWorker, type WorkerProcess } from '../support/workerProcess';

/** A completed order's stream, each event once. */
const COMPLETED_STREAM = ['OrderPlaced', 'InventoryReserved', 'FraudScreened', 'PaymentAuthorized', 'ShipmentCreated', 'PaymentCaptured', 'SagaCompleted'];

const order = (): PlaceOrderInput => ({
  orderId: randomUUID(),
  customerId: 'cust-restart',
  items: [{ sku: 'kettle', quantity: 1, unitPriceCents: 3900 }],
  currency: 'EUR',
});

/** Starts one order every `everyMs` until `during` settles, so sagas are in every phase when the service goes away. */
async function startOrdersWhile(orders: OrderClient, during: Promise<unknown>, everyMs = 100): Promise<PlaceOrderInput[]> {
  const started: PlaceOrderInput[] = [];
  let done = false;
  void during.finally(() => (done = true));
  while (!done) {
    const input = order();
    await orders.startOrder(input);
    started.push(input);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return started;
}

/** Every stream's event types in version order: one row per saga started, each a completed order's. */
async function expectEveryStreamCompleted(databaseUrl: string, started: readonly PlaceOrderInput[]): Promise<void> {
  const pool = createPool(databaseUrl);
  try {
    const { rows } = await pool.query<{ stream_id: string; types: string[] }>(
      'select stream_id, array_agg(event_type order by version) as types from events group by stream_id order by stream_id',
    );
    expect(rows.map((r) => r.stream_id)).toEqual(started.map((o) => `Order-${o.orderId}`).sort());
    for (const row of rows) expect(row.types).toEqual(COMPLETED_STREAM);
  } finally {
    await pool.end();
  }
}

const alive = (worker: WorkerProcess) => worker.child.exitCode === null && worker.child.signalCode === null;

describe('every process rides out a PostgreSQL or Temporal restart (a real saga worker process)', () => {
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
  });

  describe('on the shared servers', () => {
    const db = useTestDatabase();
    let temporal: TestTemporal;
    beforeAll(async () => {
      temporal = await connectTestTemporal();
    });
    afterAll(async () => {
      await temporal?.close();
    });

    it('every session of the database terminated again and again while sagas run: every saga completes, each event once, the worker stays up', async () => {
      const taskQueue = `restart-${randomUUID()}`;
      const worker = await spawnSagaWorker({ databaseUrl: db.url, taskQueue, retries: 'standard' });
      workers.push(worker);
      const orders = createOrderClient({ client: temporal.client, taskQueue });
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      const killSessions = (async () => {
        for (let round = 0; round < 12; round++) {
          await new Promise((r) => setTimeout(r, 250));
          await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
        }
      })();
      try {
        const started = await startOrdersWhile(orders, killSessions);
        const results = await Promise.all(started.map((input) => orders.awaitOrderResult(input.orderId)));

        expect(results.map((r) => r.outcome)).toEqual(started.map(() => 'COMPLETED'));
        await expectEveryStreamCompleted(db.url, started);
        expect(alive(worker)).toBe(true);
        expect(worker.output()).toMatch(/lost \d+ database connections?/);
      } finally {
        await admin.end();
      }
    }, 120_000);
  });

  describe('on servers of its own', () => {
    const dir = stateDir('test', `restarts-${randomUUID()}`);
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('PostgreSQL stopped and started again under load: every saga finishes, each event once, the worker stays up', async () => {
      const dataDir = path.join(dir, 'postgres');
      let postgres: PostgresService = await startEmbeddedPostgres({ dataDir, preferredPort: 0, durable: false, database: 'restarts' });
      const port = Number(new URL(postgres.url).port);
      const temporal = await connectTestTemporal();
      try {
        const taskQueue = `restart-${randomUUID()}`;
        // The standalone worker migrates the database it is given before it polls.
        const worker = await spawnSagaWorker({ databaseUrl: postgres.url, taskQueue, retries: 'standard' });
        workers.push(worker);
        const orders = createOrderClient({ client: temporal.client, taskQueue });

        const restart = (async () => {
          await new Promise((r) => setTimeout(r, 1_000));
          await postgres.stop();
          postgres = await startEmbeddedPostgres({ dataDir, preferredPort: port, durable: false, database: 'restarts' });
          await new Promise((r) => setTimeout(r, 1_000));
        })();
        const started = await startOrdersWhile(orders, restart);
        const results = await Promise.all(started.map((input) => orders.awaitOrderResult(input.orderId)));

        expect(new URL(postgres.url).port).toBe(String(port));
        expect(results.map((r) => r.outcome)).toEqual(started.map(() => 'COMPLETED'));
        await expectEveryStreamCompleted(postgres.url, started);
        expect(alive(worker)).toBe(true);
        expect(worker.output()).toMatch(/lost \d+ database connections?/);
      } finally {
        await temporal.close();
        await postgres.stop();
      }
    }, 180_000);

    it('the Temporal server stopped and started again with sagas in flight: every saga completes and the worker stays up', async () => {
      const db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres-temporal'), preferredPort: 0, durable: false, database: 'restarts' });
      const temporalDir = path.join(dir, 'temporal');
      const serve = (preferredPort: number) =>
        startDevServer({ stateDir: temporalDir, persistent: true, ui: false, preferredPort, searchAttributes: composition.searchAttributes });
      let server: TemporalService = await serve(0);
      const port = Number(server.address.split(':')[1]);
      const connection = await Connection.connect({ address: server.address });
      try {
        const taskQueue = `restart-${randomUUID()}`;
        const worker = await spawnSagaWorker({ databaseUrl: db.url, taskQueue, temporalAddress: server.address, retries: 'standard' });
        workers.push(worker);
        const orders = createOrderClient({ client: new Client({ connection, namespace: server.namespace }), taskQueue });
        // The shipment's first attempt hangs past the restart, so every saga is mid-flight when the server goes.
        const started = Array.from({ length: 8 }, () => order());
        const pool = new pg.Pool({ connectionString: db.url, max: 1 });
        try {
          for (const input of started) await planFaults(pool, orderWorkflowId(input.orderId), { hang: ['createShipment'] });
        } finally {
          await pool.end();
        }
        for (const input of started) await orders.startOrder(input);

        await server.stop();
        await new Promise((r) => setTimeout(r, 2_000));
        server = await serve(port);
        const results = await Promise.all(started.map((input) => orders.awaitOrderResult(input.orderId)));

        expect(server.address).toBe(`127.0.0.1:${port}`);
        expect(results.map((r) => r.outcome)).toEqual(started.map(() => 'COMPLETED'));
        await expectEveryStreamCompleted(db.url, started);
        expect(alive(worker)).toBe(true);
      } finally {
        await connection.close();
        await server.stop();
        await db.stop();
      }
    }, 240_000);
  });
});
