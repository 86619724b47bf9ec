import type pg from 'pg';
import { contracts } from './contracts';
import { readAll, type StoredEvent } from '../../src/eventstore';
import { applyBatch, defineProjection, readCheckpoint, setupProjection, type Projection } from '../../src/projections';

/**
 * A projection that is deliberately not idempotent: it counts every time it is handed an event.
 * Any event applied twice (a batch re-applied after a crash, two workers at once) shows as times > 1.
 */
export const applicationCounter = defineProjection({
  name: 'application_counter',
  version: 1,
  eventTypes: ['OrderPlaced', 'InventoryReserved', 'SagaCompleted', 'SagaFailed'],
  tables: ['applications'],
  setup: (t) => `create table ${t.applications} (event_id uuid primary key, global_position bigint not null, times integer not null)`,
  apply: async (events, tx, t) => {
    await tx.query(
      `insert into ${t.applications} (event_id, global_position, times)
       select e.event_id, e.global_position, 1 from jsonb_to_recordset($1::jsonb) as e(event_id uuid, global_position bigint)
       on conflict (event_id) do update set times = ${t.applications}.times + 1`,
      [JSON.stringify(events.map((e) => ({ event_id: e.eventId, global_position: e.globalPosition })))],
    );
  },
});

/** How often each counted event was applied. */
export async function applications(pool: pg.Pool): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ event_id: string; times: number }>('select event_id, times from applications');
  return new Map(rows.map((row) => [row.event_id, row.times]));
}

/** Ids of the events of these types in the log. */
export async function eventIds(pool: pg.Pool, types: readonly string[]): Promise<string[]> {
  const { rows } = await pool.query<{ event_id: string }>('select event_id from events where event_type = any($1) order by global_position', [types]);
  return rows.map((row) => row.event_id);
}

/** Sets the projections up and applies everything readable now, in pages, as the engine's runner does. */
export async function catchUp(pool: pg.Pool, projections: readonly Projection[], batchSize = 500, registry = contracts): Promise<void> {
  for (const projection of projections) {
    await setupProjection(pool, projection);
    for (;;) {
      const state = await readCheckpoint(pool, projection.name, projection.version);
      const page = await readAll(pool, registry, { after: state!.checkpoint, limit: batchSize, eventTypes: [...projection.eventTypes] });
      if (page.events.length === 0) break;
      const result = await applyBatch(pool, projection, { from: state!.checkpoint, events: page.events, to: page.checkpoint });
      if (!result.applied) throw new Error(`catchUp: ${projection.name} ${result.reason}`);
    }
  }
}

/** Every event of the log readable now, for re-applying by hand. */
export async function allEvents(pool: pg.Pool, eventTypes: readonly string[]): Promise<StoredEvent[]> {
  return (await readAll(pool, contracts, { limit: 100_000, eventTypes: [...eventTypes] })).events;
}

/** All rows of a relation in a stable order, for before/after comparisons. */
export async function snapshotOf(pool: pg.Pool, relation: string): Promise<unknown[]> {
  const { rows } = await pool.query<Record<string, unknown>>(`select * from ${relation} order by 1, 2`);
  return rows;
}
