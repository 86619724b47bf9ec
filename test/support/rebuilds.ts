import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { EventStore } from '../../src/eventstore';
import { defineProjection, type Projection } from '../../src/projections';
import { orderEvents, type OrderScenario } from './orderScenarios';

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
