import type pg from 'pg';
import type { StoredEvent } from '../../../api/projections';
import { defineProjection } from '../../../api/projections';
import { asOrderEvent } from './orderEvents';

/**
 * Reserved and released quantities per sku. Sums bumped per event would double on a replay, so the
 * levels are a view over one row per (order, sku), each written only by a newer stream version.
 */
export const inventoryLevels = defineProjection({
  name: 'inventory_levels',
  version: 1,
  eventTypes: ['InventoryReserved', 'InventoryReleased'],
  tables: ['inventory_order_lines', 'inventory_levels'],
  setup: (t) => `
    create table ${t.inventory_order_lines} (
      order_id            text        not null,
      sku                 text        not null,
      reservation_id      text        not null,
      reserved_quantity   integer     not null,
      released_quantity   integer     not null,
      last_stream_version bigint      not null,
      updated_at          timestamptz not null,
      primary key (order_id, sku)
    );
    create view ${t.inventory_levels} as
      select sku,
             sum(reserved_quantity)::bigint as reserved,
             sum(released_quantity)::bigint as released,
             sum(reserved_quantity - released_quantity)::bigint as held,
             max(updated_at) as updated_at
        from ${t.inventory_order_lines}
       group by sku;`,
  apply: (events, tx, t) => applyInventory(tx, t.inventory_order_lines, events),
});

async function applyInventory(tx: pg.PoolClient, table: string, events: readonly StoredEvent[]): Promise<void> {
  const reserved: Array<{ order_id: string; sku: string; reservation_id: string; quantity: number; version: number; at: string }> = [];
  const released: Array<{ order_id: string; reservation_id: string; version: number; at: string }> = [];
  for (const stored of events) {
    const event = asOrderEvent(stored);
    const at = stored.createdAt.toISOString();
    if (event.type === 'InventoryReserved') {
      // One line per sku, even if the order lists a sku twice.
      const bySku = new Map<string, number>();
      for (const item of event.data.items) bySku.set(item.sku, (bySku.get(item.sku) ?? 0) + item.quantity);
      for (const [sku, quantity] of bySku) {
        reserved.push({ order_id: event.data.orderId, sku, reservation_id: event.data.reservationId, quantity, version: stored.version, at });
      }
    } else if (event.type === 'InventoryReleased') {
      released.push({ order_id: event.data.orderId, reservation_id: event.data.reservationId, version: stored.version, at });
    }
  }
  const lines = tx.escapeIdentifier(table);
  // Reservations first: a release in the same batch comes later in its stream.
  if (reserved.length > 0) {
    await tx.query(
      `insert into ${lines} (order_id, sku, reservation_id, reserved_quantity, released_quantity, last_stream_version, updated_at)
       select r.order_id, r.sku, r.reservation_id, r.quantity, 0, r.version, r.at
         from jsonb_to_recordset($1::jsonb) as r(order_id text, sku text, reservation_id text, quantity integer, version bigint, at timestamptz)
       on conflict (order_id, sku) do update
         set reservation_id = excluded.reservation_id, reserved_quantity = excluded.reserved_quantity, released_quantity = 0,
             last_stream_version = excluded.last_stream_version, updated_at = excluded.updated_at
       where ${lines}.last_stream_version < excluded.last_stream_version`,
      [JSON.stringify(reserved)],
    );
  }
  if (released.length > 0) {
    await tx.query(
      `update ${lines} l
          set released_quantity = l.reserved_quantity, last_stream_version = r.version, updated_at = r.at
         from jsonb_to_recordset($1::jsonb) as r(order_id text, reservation_id text, version bigint, at timestamptz)
        where l.order_id = r.order_id and l.reservation_id = r.reservation_id and l.last_stream_version < r.version`,
      [JSON.stringify(released)],
    );
  }
}
