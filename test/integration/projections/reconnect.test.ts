import pg from 'pg';
import { contracts } from '../../support/contracts';
import { createProjectionDaemon, projectionStatus, type ProjectionDaemon } from '../../../src/projections';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { appendOrder } from '../../support/orderScenarios';
import { applicationCounter, applications, eventIds } from '../../support/projections';
import { startTcpProxy } from '../../support/tcpProxy';
import { waitFor } from '../../support/waitFor';

describe('a projection worker whose connections PostgreSQL drops', () => {
  const db = useTestDatabase();
  let daemon: ProjectionDaemon;
  const log: string[] = [];
  beforeAll(async () => {
    daemon = createProjectionDaemon({
      pool: db.pool,
      connectionString: db.url,
      contracts,
      projections: [applicationCounter],
      pollIntervalMs: 50,
      batchSize: 5,
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
      log: (line) => log.push(line),
    });
    await daemon.start();
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  /** What a server restart does to every session: terminated (57P01), locks released. */
  async function terminateEveryConnection(): Promise<number> {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: number }>(
        `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
      );
      return rows[0]!.n;
    } finally {
      await admin.end();
    }
  }

  it('reconnects with backoff, takes its lock again and applies every event once', async () => {
    await waitFor(async () => daemon.health().owned.length === 1, 10_000);
    for (let round = 0; round < 3; round++) {
      expect(await terminateEveryConnection()).toBeGreaterThan(0);
      // The test's own appender on fresh connections: the pool's were terminated too.
      const appender = new pg.Pool({ connectionString: db.url });
      const store = testEventStore({ ...db, pool: appender });
      for (let i = 0; i < 5; i++) await appendOrder(store, 'completed');
      await appender.end();
      await waitFor(async () => daemon.health().connected && daemon.health().owned.length === 1, 10_000);
    }
    await waitFor(async () => (await projectionStatus(db.pool))[0]!.lagEvents === 0, 10_000);

    expect(log.some((line) => line.includes("lost the worker's session with PostgreSQL"))).toBe(true);
    const counted = await applications(db.pool);
    expect([...counted.keys()].sort()).toEqual((await eventIds(db.pool, applicationCounter.eventTypes)).sort());
    expect([...counted.values()].every((times) => times === 1)).toBe(true);
    expect(counted.size).toBe(3 * 5 * 3); // OrderPlaced, InventoryReserved, SagaCompleted of 15 orders
  }, 60_000);

  it('rides out a PostgreSQL outage: refused connections, then the server back', async () => {
    const proxy = await startTcpProxy(Number(new URL(db.url).port));
    const throughProxy = new URL(db.url);
    throughProxy.port = String(proxy.port);
    const pool = new pg.Pool({ connectionString: throughProxy.toString() });
    const outageLog: string[] = [];
    const worker = createProjectionDaemon({
      pool,
      connectionString: throughProxy.toString(),
      contracts,
      projections: [applicationCounter],
      pollIntervalMs: 50,
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
      log: (line) => outageLog.push(line),
    });
    try {
      await daemon.stop(); // the first test's worker steps aside: this one must take the lock
      await worker.start();
      await waitFor(async () => worker.health().owned.length === 1, 10_000);

      await proxy.down();
      const store = testEventStore(db);
      for (let i = 0; i < 5; i++) await appendOrder(store, 'completed');
      await waitFor(async () => outageLog.filter((line) => line.includes('cannot reach PostgreSQL')).length >= 2, 10_000);
      expect(worker.health()).toEqual({ connected: false, owned: [] });

      await proxy.up();
      await waitFor(async () => (await projectionStatus(db.pool))[0]!.lagEvents === 0, 15_000);
      expect(worker.health()).toMatchObject({ connected: true, owned: [{ name: applicationCounter.name, version: 1 }] });
      expect(outageLog).toContain('connected to PostgreSQL again');
      const counted = await applications(db.pool);
      expect([...counted.keys()].sort()).toEqual((await eventIds(db.pool, applicationCounter.eventTypes)).sort());
      expect([...counted.values()].every((times) => times === 1)).toBe(true);
    } finally {
      await worker.stop();
      await pool.end();
      await proxy.close();
    }
  }, 60_000);
});
