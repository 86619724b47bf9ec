import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { projectionStatus, type ProjectionStatus } from '../../../src/projections';
import { withDatabase } from '../../../src/infra/postgres';
import { startProjectionWorker, type ProjectionWorker } from '../../../workers/projectionWorker';
import { cliEnv, runSagaflow } from '../../support/cli';
import { useTestDatabase } from '../../support/database';
import { testEnv } from '../../support/env';
import { orderPlaced, testEventStore } from '../../support/eventStore';
import { applicationCounter } from '../../support/projections';
import { waitFor } from '../../support/waitFor';

const APPLICATION = 'nightly report';
const HELD_BACK_LOG_AFTER_MS = 300;

/**
 * The read bound is server-wide: a transaction left open in another database of the same server
 * holds every projection back. These tests open one there and expect each place an operator looks
 * (status, its JSON, the metrics, the worker's log) to name its session, and to stop once it ends.
 */
describe('a projection held back by an open transaction in another database', () => {
  const db = useTestDatabase();
  const otherDatabase = `sagaflow_test_other_${randomUUID().replace(/-/g, '')}`;
  const lines: string[] = [];
  let worker: ProjectionWorker;
  let session: pg.Client;
  let pid: number;

  beforeAll(async () => {
    await adminQuery(`create database ${otherDatabase}`);
    worker = await startProjectionWorker({
      databaseUrl: db.url,
      projections: [applicationCounter],
      metricsPort: 0,
      pollIntervalMs: 50,
      heldBackLogAfterMs: HELD_BACK_LOG_AFTER_MS,
      log: (line) => lines.push(line),
    });
    // One event applied first: the worker owns the projection and is caught up.
    await appendOrders(1);
    await waitFor(async () => (await statusOf(db.pool)).lagEvents === 0 && (await statusOf(db.pool)).eventsApplied === 1, 10_000);
  });
  afterAll(async () => {
    await worker?.stop();
    await adminQuery(`drop database if exists ${otherDatabase} with (force)`);
  });

  const appendOrders = async (count: number) => {
    const store = testEventStore(db);
    for (let i = 0; i < count; i++) {
      const orderId = randomUUID();
      await store.append(`Order-${orderId}`, [orderPlaced(orderId)], { expectedVersion: 'no_stream' });
    }
  };

  /** Opens a transaction with a transaction id in the other database, as a forgotten psql session would. */
  const holdTransactionOpen = async () => {
    session = new pg.Client({ connectionString: withDatabase(testEnv('postgresAdminUrl'), otherDatabase), application_name: APPLICATION });
    // A test that fails while it holds the transaction leaves it to the database drop, which ends the session.
    session.on('error', () => undefined);
    await session.connect();
    pid = (await session.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    await session.query('begin');
    await session.query('select pg_current_xact_id()');
  };

  const heldBackLogLines = () => lines.filter((line) => line.startsWith('read bound held back') && line.includes(`pid ${pid},`));
  const freeAgainLines = () => lines.filter((line) => line.startsWith('read bound free again') && line.includes(`pid ${pid} `));
  const metrics = async () => (await fetch(`${worker.httpUrl}/metrics`)).text();
  const blockerAge = (text: string) => Number(/^sagaflow_projection_blocker_age_seconds\{projection="application_counter",version="1"\} (\S+)$/m.exec(text)?.[1]);

  it('status, its JSON, the metrics and the worker’s log (once) name the session; all of them clear when it ends', async () => {
    await holdTransactionOpen();
    await appendOrders(3);
    // Other test files share the server: wait until this session is the oldest transaction on it.
    await waitFor(async () => (await statusOf(db.pool)).heldBack?.by.pid === pid, 10_000);

    const held = (await statusOf(db.pool)).heldBack!;
    expect(held).toMatchObject({
      events: 3,
      by: { pid, database: otherDatabase, applicationName: APPLICATION, state: 'idle in transaction', detailsVisible: true, query: 'select pg_current_xact_id()' },
    });
    expect(held.by.ageMs).toBeGreaterThan(0);
    expect((await statusOf(db.pool)).lagEvents).toBe(3);

    // Within a generous SLA the projection is fresh, held back or not: exit 0.
    const text = await runSagaflow(['projections', 'status', '--max-lag', '10m'], cliEnv(db));
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^application_counter\s+v1 \(active\)\s+running \(held back\)\s/m);
    expect(text.stdout).toContain(`held back by an open transaction: pid ${pid}, database "${otherDatabase}", application "${APPLICATION}", user "postgres", state "idle in transaction", open `);
    expect(text.stdout).toContain('statement "select pg_current_xact_id()"');
    expect(text.stdout).toContain('committed events waiting behind it: application_counter v1 3');
    expect(text.stdout).toContain(`select pg_terminate_backend(${pid})`);

    const json = await runSagaflow(['projections', 'status', '--json', '--max-lag', '10m'], cliEnv(db));
    expect(json.code).toBe(0);
    const [row] = JSON.parse(json.stdout) as Array<{ heldBack: ProjectionStatus['heldBack']; breach: unknown }>;
    expect(row!.heldBack).toMatchObject({ events: 3, by: { pid, database: otherDatabase, applicationName: APPLICATION, state: 'idle in transaction' } });
    expect(row!.breach).toBeNull();

    // Past its acceptable lag, the freshness check fails and says why: the open transaction, not the worker.
    const breached = await runSagaflow(['projections', 'status', '--max-lag', '1ms'], cliEnv(db));
    expect(breached.code).toBe(1);
    expect(breached.stdout).toMatch(new RegExp(`^  application_counter v1 \\(acceptable lag 1 ms\\): held back by an open transaction: 3 events behind, .* wait behind pid ${pid}, database "${otherDatabase}"`, 'm'));
    expect(breached.stderr).toBe('error: 1 projection is not fresh: application_counter (held_back)\n');

    const scraped = await metrics();
    expect(scraped).toContain(`sagaflow_projection_blocker{pid="${pid}",database="${otherDatabase}",application_name="${APPLICATION}"} 1`);
    expect(blockerAge(scraped)).toBeGreaterThan(0);

    await waitFor(async () => heldBackLogLines().length > 0, 10_000);
    // Many more looks (every 50 ms) pass: still the one line.
    await new Promise((resolve) => setTimeout(resolve, 20 * 50));
    expect(heldBackLogLines()).toHaveLength(1);
    expect(heldBackLogLines()[0]).toContain(`database "${otherDatabase}", application "${APPLICATION}", user "postgres", state "idle in transaction"`);
    expect(heldBackLogLines()[0]).toContain('statement "select pg_current_xact_id()"');
    expect(heldBackLogLines()[0]).toContain('3 committed events wait behind it');
    expect(freeAgainLines()).toHaveLength(0);

    await session.query('rollback');
    await session.end();
    await waitFor(async () => (await statusOf(db.pool)).lagEvents === 0, 10_000);
    expect((await statusOf(db.pool)).heldBack).toBeNull();
    const after = await runSagaflow(['projections', 'status'], cliEnv(db));
    expect(after.stdout).not.toContain('held back');
    await waitFor(async () => !(await metrics()).includes('sagaflow_projection_blocker{'), 5_000);
    expect(blockerAge(await metrics())).toBe(0);
    await waitFor(async () => freeAgainLines().length === 1, 5_000);
    expect(heldBackLogLines()).toHaveLength(1);
  });

  it('a role that may not see other roles’ sessions still learns the pid, database and application, and a lower bound of the age', async () => {
    const role = `sagaflow_test_observer_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    await db.pool.query(`create role ${role} login password 'observer'`);
    await db.pool.query(`grant select on all tables in schema public to ${role}`);
    const url = new URL(db.url);
    url.username = role;
    url.password = 'observer';
    const observer = new pg.Pool({ connectionString: url.toString(), max: 2 });
    try {
      await holdTransactionOpen();
      await appendOrders(2);
      await waitFor(async () => (await statusOf(observer)).heldBack?.by.pid === pid, 10_000);

      const { by } = (await statusOf(observer)).heldBack!;
      expect(by).toMatchObject({ pid, database: otherDatabase, applicationName: APPLICATION, user: 'postgres', detailsVisible: false, state: null, query: null, ageMs: null });
      expect(by.waitingMs).toBeGreaterThanOrEqual(0);

      const text = await runSagaflow(['projections', 'status', '--max-lag', '10m'], { DATABASE_URL: url.toString() });
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`held back by an open transaction: pid ${pid}, database "${otherDatabase}", application "${APPLICATION}", user "postgres", open at least `);
      expect(text.stdout).toContain('its state and statement are visible only to pg_read_all_stats');
    } finally {
      await session.end();
      await observer.end();
      await db.pool.query(`drop owned by ${role}`);
      await db.pool.query(`drop role ${role}`);
    }
  });
});

async function statusOf(pool: pg.Pool): Promise<ProjectionStatus> {
  const [row] = await projectionStatus(pool);
  return row!;
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: testEnv('postgresAdminUrl') });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
