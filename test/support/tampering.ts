import { randomUUID } from 'node:crypto';
import type { TestDatabase } from './database';
import { inventoryReserved, orderCompleted, orderPlaced, testEventStore } from './eventStore';

/** What an insider with superuser rights can do: switch the immutability and insert-guard triggers off for the session. */
export async function asSuperuser(db: TestDatabase, sql: string, params: unknown[] = []): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query('set session_replication_role = replica');
    await client.query(sql, params);
  } finally {
    await client.query('set session_replication_role = origin');
    client.release();
  }
}

/**
 * Rewrites one event's payload and recomputes the stored hash of it and of every later event of its
 * stream, with the store's own hash function: the stream's chain verifies again afterwards.
 */
export async function rewriteRecomputingChain(db: TestDatabase, streamId: string, version: number, data: unknown): Promise<void> {
  await asSuperuser(
    db,
    `do $$
     declare
       v_event record;
       v_previous bytea := (select hash from events where stream_id = ${literal(streamId)} and version = ${version - 1});
     begin
       update events set data = ${literal(JSON.stringify(data))}::jsonb where stream_id = ${literal(streamId)} and version = ${version};
       for v_event in select * from events where stream_id = ${literal(streamId)} and version >= ${version} order by version loop
         v_previous := sagaflow_event_hash(v_previous, v_event.event_id, v_event.stream_id, v_event.version, v_event.event_type,
                                           v_event.schema_version, v_event.data, v_event.metadata, v_event.created_at);
         update events set hash = v_previous where event_id = v_event.event_id;
       end loop;
     end $$`,
  );
}

/**
 * Order streams of three events each (OrderPlaced and InventoryReserved in one append, then
 * OrderCompleted), appended one stream after the other: in the global order, stream i holds events
 * 3i+1 to 3i+3.
 */
export async function seedOrderStreams(db: TestDatabase, count: number): Promise<string[]> {
  const store = testEventStore(db);
  const streams: string[] = [];
  for (let i = 0; i < count; i++) {
    const orderId = randomUUID();
    const streamId = `Order-${orderId}`;
    await store.append(streamId, [orderPlaced(orderId), inventoryReserved(orderId)], { expectedVersion: 'no_stream' });
    await store.append(streamId, [orderCompleted(orderId)], { expectedVersion: 2 });
    streams.push(streamId);
  }
  return streams;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
