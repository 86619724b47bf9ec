import pg from 'pg';
import { partitionOfSql } from './logRange';

/** Row count and content hash of one slice of a table (rows sliced by hash of their key). */
export interface SliceDigest {
  partition: number;
  rows: number;
  hash: string;
}

/** A row whose key is in one table and not the other, or whose content differs. */
export interface DifferingRow {
  key: Record<string, unknown>;
  /** missing: only in the recomputed table; extra: only in the live one; changed: both, different content. */
  difference: 'missing' | 'extra' | 'changed';
}

/** The primary-key columns of a table (every column when it has no primary key), in key order. */
export async function keyColumns(db: pg.PoolClient, table: string): Promise<string[]> {
  const { rows } = await db.query<{ attname: string }>(
    `select a.attname from pg_index x
       cross join lateral unnest(x.indkey) with ordinality as k(attnum, n)
       join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum
      where x.indrelid = $1::regclass and x.indisprimary order by k.n`,
    [table],
  );
  if (rows.length > 0) return rows.map((row) => row.attname);
  const all = await db.query<{ attname: string }>(`select attname from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped order by attnum`, [table]);
  return all.rows.map((row) => row.attname);
}

const keyOf = (columns: readonly string[]) => `jsonb_build_array(${columns.map((c) => `t.${pg.escapeIdentifier(c)}`).join(', ')})`;

/**
 * Per slice of the rows: their count and one hash over every row's content (its JSON form, key
 * columns included), independent of the rows' physical order.
 */
export async function digestTable(db: pg.PoolClient, table: string, columns: readonly string[], partitions: number): Promise<SliceDigest[]> {
  const { rows } = await db.query<{ partition: string; rows: string; hash: string }>(
    `select p as partition, count(*) as rows, md5(string_agg(h, '' order by h)) as hash
       from (select ${partitionOfSql(`${keyOf(columns)}::text`, '$1::bigint')} as p, md5(to_jsonb(t)::text) as h
               from ${pg.escapeIdentifier(table)} t) r
      group by p order by p`,
    [partitions],
  );
  const bySlice = new Map(rows.map((row) => [Number(row.partition), { rows: Number(row.rows), hash: row.hash }]));
  return Array.from({ length: partitions }, (_, partition) => ({ partition, ...(bySlice.get(partition) ?? { rows: 0, hash: '' }) }));
}

/** The rows of the given slices whose key or content differs between the two tables, by key, at most `limit`. */
export async function differingRows(
  db: pg.PoolClient,
  live: string,
  recomputed: string,
  columns: readonly string[],
  slices: { partitions: number; differing: readonly number[] },
  limit: number,
): Promise<DifferingRow[]> {
  const side = (table: string) =>
    `select ${keyOf(columns)} as k, to_jsonb(t) as r from ${pg.escapeIdentifier(table)} t
      where ${partitionOfSql(`${keyOf(columns)}::text`, '$1::bigint')} = any($2::bigint[])`;
  const { rows } = await db.query<{ k: unknown[]; live: boolean; recomputed: boolean }>(
    `select coalesce(l.k, c.k) as k, l.k is not null as live, c.k is not null as recomputed
       from (${side(live)}) l full join (${side(recomputed)}) c on l.k = c.k
      where l.r is distinct from c.r
      order by 1 limit $3`,
    [slices.partitions, slices.differing, limit],
  );
  return rows.map((row) => ({
    key: Object.fromEntries(columns.map((column, i) => [column, row.k[i]])),
    difference: !row.live ? 'missing' : !row.recomputed ? 'extra' : 'changed',
  }));
}
