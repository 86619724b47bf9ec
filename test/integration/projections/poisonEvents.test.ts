import { randomUUID } from 'node:crypto';
import { contracts } from '../../support/contracts';
import {
  ProjectionCommandError,
  createProjectionDaemon,
  createProjectionMetrics,
  healthReport,
  sharedStatusSnapshot,
  defineProjection,
  projectionStatus,
  resumeProjection,
  skipEvent,
  type ProjectionDaemon,
  type ProjectionStatus,
} from '../../../src/projections';
import { useTestDatabase } from '../../support/database';
import { orderPlaced, testEventStore } from '../../support/eventStore';
import { waitFor } from '../../support/waitFor';

/** Records the orders it sees; throws on an order whose customer is `poison`, and on `flaky` ones while `flakyFailures` lasts. */
let flakyFailures = 0;
const fragile = defineProjection({
  name: 'fragile',
  version: 1,
  eventTypes: ['OrderPlaced'],
  tables: ['fragile_orders'],
  setup: (t) => `create table ${t.fragile_orders} (order_id text primary key, customer_id text not null)`,
  apply: async (events, tx, t) => {
    for (const event of events) {
      const { orderId, customerId } = event.data as { orderId: string; customerId: string };
      if (customerId === 'poison') throw new Error(`cannot handle order ${orderId}`);
      if (customerId === 'flaky' && flakyFailures-- > 0) throw new Error('flaky downstream');
      await tx.query(`insert into ${t.fragile_orders} values ($1, $2) on conflict do nothing`, [orderId, customerId]);
    }
  },
});

describe('poison events', () => {
  const db = useTestDatabase();
  let daemon: ProjectionDaemon;
  let log: string[] = [];
  const startDaemon = async (retryDelayMs = 20) => {
    log = [];
    daemon = createProjectionDaemon({
      pool: db.pool,
      connectionString: db.url,
      contracts,
      projections: [fragile],
      pollIntervalMs: 50,
      handlerRetry: { attempts: 3, initialDelayMs: retryDelayMs, maxDelayMs: Math.max(50, retryDelayMs) },
      log: (line) => log.push(line),
    });
    await daemon.start();
  };

  beforeAll(async () => {
    await startDaemon();
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  const place = async (customerId: string) => {
    const orderId = randomUUID();
    const event = orderPlaced(orderId);
    const { positions } = await testEventStore(db).append(`Order-${orderId}`, [{ ...event, data: { ...(event.data as object), customerId } }], {
      expectedVersion: 'no_stream',
    });
    return { orderId, position: positions[0]! };
  };
  const projected = async () => (await db.pool.query<{ order_id: string }>('select order_id from fragile_orders')).rows.map((r) => r.order_id).sort();
  const status = async (): Promise<ProjectionStatus> => (await projectionStatus(db.pool)).find((s) => s.name === 'fragile')!;

  it('a handler that fails then succeeds is retried, and the event applied once', async () => {
    flakyFailures = 2;
    const flaky = await place('flaky');
    await waitFor(async () => (await projected()).includes(flaky.orderId), 10_000);
    expect((await status()).status).toBe('running');
    expect(log.some((line) => /attempt 1 of 3 failed: .*flaky downstream/.test(line))).toBe(true);
  });

  it('stops on the poison event after its attempts, everything before applied, and says so in status and metrics', async () => {
    // An open transaction holds the appends back from readers, so that all five arrive in one page
    // and the engine has to find the culprit inside it.
    const holder = await db.pool.connect();
    await holder.query('begin');
    await holder.query('select pg_current_xact_id()');
    const before = [await place('good'), await place('good')];
    const poison = await place('poison');
    const after = [await place('good'), await place('good')];
    await holder.query('commit');
    holder.release();

    await waitFor(async () => (await status()).status === 'stalled', 10_000);
    // Give the stalled projection a few polls to prove it does not move on.
    await new Promise((r) => setTimeout(r, 300));

    const projectedNow = await projected();
    for (const order of before) expect(projectedNow).toContain(order.orderId);
    for (const order of [poison, ...after]) expect(projectedNow).not.toContain(order.orderId);
    const stalled = await status();
    expect(stalled).toMatchObject({
      status: 'stalled',
      lagEvents: 3,
      failedEvent: { globalPosition: poison.position, attempts: 3 },
      owned: true,
    });
    expect(stalled.lastError).toContain(`cannot handle order ${poison.orderId}`);
    expect(stalled.checkpoint.globalPosition).toBe(before[1]!.position);
    expect(stalled.lagMs).toBeGreaterThan(0);

    const snapshot = sharedStatusSnapshot(db.pool);
    const judging = { runs: new Set(['fragile']), maxLagOf: () => 60_000 };
    const metrics = await createProjectionMetrics({ snapshot, health: () => daemon.health(), ...judging }).registry.metrics();
    expect(metrics).toContain('sagaflow_projection_status{projection="fragile",version="1",status="stalled"} 1');
    expect(metrics).toContain('sagaflow_projection_status{projection="fragile",version="1",status="running"} 0');
    expect(metrics).toMatch(new RegExp(`sagaflow_projection_failing_event\\{projection="fragile",version="1",global_position="${poison.position}",event_id="[0-9a-f-]+",error="cannot handle order ${poison.orderId}"\\} 1`));
    expect(metrics).toContain('sagaflow_projection_lag_events{projection="fragile",version="1"} 3');
    // Within its lag, and still not fresh: a poison event stops it whatever the lag.
    expect(metrics).toContain('sagaflow_projection_freshness_breach{projection="fragile",version="1",reason="poison_event"} 1');
    expect(metrics).toContain('sagaflow_projection_freshness_breaches_total{projection="fragile",reason="poison_event"} 1');
    expect(metrics).toContain('sagaflow_projection_max_lag_seconds{projection="fragile",version="1"} 60');
    expect(healthReport(daemon.health(), await snapshot(), judging)).toMatchObject({
      status: 'unhealthy',
      connected: true,
      breaches: [{ name: 'fragile', version: 1, reason: 'poison_event' }],
    });
  });

  it('skipEvent refuses without a reason, an actor, or for an event already applied', async () => {
    const { globalPosition: position } = (await status()).failedEvent!;
    await expect(skipEvent(db.pool, 'fragile', position, { reason: ' ', actor: 'ops-ana' })).rejects.toThrow(/reason: must be a non-empty text/);
    await expect(skipEvent(db.pool, 'fragile', position, { reason: 'bad data', actor: '' })).rejects.toThrow(/actor: must be a non-empty text/);
    const applied = (await status()).checkpoint.globalPosition;
    await expect(skipEvent(db.pool, 'fragile', applied, { reason: 'x', actor: 'ops-ana' })).rejects.toThrow(ProjectionCommandError);
    await expect(skipEvent(db.pool, 'nonexistent', position, { reason: 'x', actor: 'ops-ana' })).rejects.toThrow(/no projection named nonexistent/);
    expect((await status()).status).toBe('stalled');
  });

  it('resumeProjection retries the stalled event (here it fails again and stalls again)', async () => {
    const stalledAt = (await status()).failedEvent!.globalPosition;
    const stalls = () => log.filter((line) => line.includes('STALLED')).length;
    const stallsBefore = stalls();
    expect(await resumeProjection(db.pool, 'fragile')).toBe(true);
    await waitFor(async () => stalls() === stallsBefore + 1, 10_000);
    expect((await status()).status).toBe('stalled');
    expect((await status()).failedEvent!.globalPosition).toBe(stalledAt);
  });

  it('skipping the poison event records who and why, and the projection runs on', async () => {
    const { globalPosition } = (await status()).failedEvent!;
    const skipped = await skipEvent(db.pool, 'fragile', globalPosition, { reason: 'corrupt customer id', actor: 'ops-ana' });
    expect(skipped).toMatchObject({ name: 'fragile', version: 1, globalPosition, eventType: 'OrderPlaced', resumed: true });

    await waitFor(async () => (await status()).lagEvents === 0, 10_000);
    expect(await status()).toMatchObject({ status: 'running', lastError: null, failedEvent: null });
    const { rows } = await db.pool.query('select global_position, reason, actor, error from projection_skipped_events where name = $1', ['fragile']);
    expect(rows).toEqual([{ global_position: String(globalPosition), reason: 'corrupt customer id', actor: 'ops-ana', error: expect.stringContaining('cannot handle order') }]);
    expect(await projected()).toHaveLength(5); // the flaky one, two before and two after the poison
  });

  it('a restarted worker goes on counting the attempts of the event it fails on', async () => {
    await daemon.stop();
    await startDaemon(60_000);
    const poison = await place('poison');
    await waitFor(async () => (await status()).failedEvent?.globalPosition === poison.position, 10_000);
    expect(await status()).toMatchObject({ status: 'retrying', failedEvent: { attempts: 1 } });
    await daemon.stop(); // in the middle of its minute of backoff

    await startDaemon();
    await waitFor(async () => (await status()).status === 'stalled', 10_000);
    expect((await status()).failedEvent).toMatchObject({ globalPosition: poison.position, attempts: 3 });
    expect(log.filter((line) => /attempt \d of 3 failed|STALLED/.test(line))).toEqual([
      expect.stringContaining('attempt 2 of 3 failed'),
      expect.stringContaining('STALLED after 3 attempts'),
    ]);
  });
});
