import type pg from 'pg';
import type { StoredEvent } from '../projections';

/** A read-model row folded from one stream's events; it remembers the last stream version it applied. */
export interface StreamRow {
  last_stream_version: number;
}

export interface StreamRowFold<Row extends StreamRow> {
  /** The versioned table. Its columns are the row's keys (snake_case). */
  table: string;
  /** The primary-key column, one row per value. */
  key: keyof Row & string;
  keyOf(event: StoredEvent): string;
  /** The row after `event`; undefined leaves it as it is. Must set `last_stream_version` to the event's version. */
  evolve(row: Row | undefined, event: StoredEvent): Row | undefined;
}

/**
 * Folds a batch into one row per key: loads the rows the batch touches, applies each event newer
 * than its row's last stream version, and writes the changed rows back in one statement that only
 * replaces a row with a newer one. Applying a batch again therefore changes nothing.
 * Rows travel as JSON both ways (to_jsonb, jsonb_populate_recordset), so the table's own column
 * types do the conversions.
 */
export async function foldStreamRows<Row extends StreamRow>(tx: pg.PoolClient, fold: StreamRowFold<Row>, events: readonly StoredEvent[]): Promise<void> {
  if (events.length === 0) return;
  const table = tx.escapeIdentifier(fold.table);
  const key = tx.escapeIdentifier(fold.key);
  const keys = [...new Set(events.map((event) => fold.keyOf(event)))];
  const { rows: stored } = await tx.query<{ row: Row }>(`select to_jsonb(t) as row from ${table} t where ${key} = any($1::text[])`, [keys]);
  const rows = new Map(stored.map(({ row }) => [String(row[fold.key]), row]));
  const changed = new Map<string, Row>();
  for (const event of events) {
    const id = fold.keyOf(event);
    const row = rows.get(id);
    if (row && event.version <= row.last_stream_version) continue;
    const next = fold.evolve(row, event);
    if (!next) continue;
    rows.set(id, next);
    changed.set(id, next);
  }
  if (changed.size === 0) return;
  const columns = Object.keys(changed.values().next().value as Row).map((column) => tx.escapeIdentifier(column));
  await tx.query(
    `insert into ${table} (${columns.join(', ')})
     select ${columns.join(', ')} from jsonb_populate_recordset(null::${table}, $1::jsonb)
     on conflict (${key}) do update set (${columns.join(', ')}) = row(${columns.map((c) => `excluded.${c}`).join(', ')})
      where ${table}.last_stream_version < excluded.last_stream_version`,
    [JSON.stringify([...changed.values()])],
  );
}
