import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import type pg from 'pg';
import type { EventStore } from '../../src/eventstore';
import { defineProjection, type Projection } from '../../src/projections';
import { orderEvents, type OrderScenario } from './orderScenarios';
import { waitFor } from './waitFor';

const SCENARIOS: OrderScenario[] = ['completed', 'outOfStock', 'declined', 'shipmentFailed', 'captureFailed', 'compensationResolved'];

/**
 * The same projection under another name and other tables (`reference_<table>`), built the ordinary
 * way, one batch at a time: what a rebuild must come out equal to.
 */
export function referenceOf(projection: Projection): Projection {
  const rename = (tables: Record<string, string>) => Object.fromEntries(projection.tables.map((table) => [table, tables[`reference_${table}`]!]));
  return defineProjection({
    name: `reference_${projection.name}`,
    version: 1,
    eventTypes: projection.eventTypes,
    tables: projection.tables.map((table) => `reference_${table}`),
    setup: (t) => projection.setup(rename(t)),
    apply: (events, tx, t) => projection.apply(events, tx, rename(t)),
  });
}

/** Every row of a relation, ordered by the given columns. */
export async function rowsOf(db: pg.Pool, relation: string, orderBy: string): Promise<unknown[]> {
  return (await db.query<Record<string, unknown>>(`select * from ${relation} order by ${orderBy}`)).rows;
}

/**
 * `count` orders of every outcome, each stream appended in two parts (the second after all the
 * first parts), so that streams straddle pages, partitions' bounds and the catch-up.
 */
export async function appendOrders(store: EventStore, count: number): Promise<void> {
  const orders = Array.from({ length: count }, (_, i) => {
    const id = randomUUID();
    return { id, events: orderEvents(id, SCENARIOS[i % SCENARIOS.length]!) };
  });
  for (const part of [0, 1]) {
    for (const order of orders) {
      const half = Math.ceil(order.events.length / 2);
      const events = part === 0 ? order.events.slice(0, half) : order.events.slice(half);
      if (events.length === 0) continue;
      await store.append(
        `Order-${order.id}`,
        events.map((event) => ({ eventId: randomUUID(), type: event.type, data: event.data })),
        { expectedVersion: 'any' },
      );
    }
  }
}

/**
 * Runs test/support/rebuildChild.ts (which SIGKILLs itself after KILL_AFTER_PAGES pages) against a
 * database and returns how it ended, once PostgreSQL has ended its sessions too: the server notices
 * a dead client only when it next reads from its socket, and until then the child's advisory locks
 * still say a rebuild is running.
 */
export async function runKilledRebuild(pool: pg.Pool, databaseUrl: string, env: Record<string, string>): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  const applicationName = `sagaflow-test-rebuild-${randomUUID()}`;
  const root = path.resolve(__dirname, '..', '..');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test', 'support', 'rebuildChild.ts')], {
    cwd: root,
    env: { ...process.env, ...env, DATABASE_URL: databaseUrl, PGAPPNAME: applicationName },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  const sessions = async () => (await pool.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where application_name = $1`, [applicationName])).rows[0]!.n;
  await waitFor(async () => (await sessions()) === 0, 10_000);
  return { signal, stderr };
}
