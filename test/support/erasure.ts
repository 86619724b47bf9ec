import type { TestDatabase } from './database';

/**
 * Every table of the database (all schemas but the catalogs) whose rows, as text, hold `text`:
 * events, the archive, read tables, snapshots, checkpoints, the key table. `except` leaves out
 * tables by a LIKE pattern.
 */
export async function tablesHolding(db: TestDatabase, text: string, { except }: { except?: string } = {}): Promise<string[]> {
  const { rows: tables } = await db.pool.query<{ schema: string; name: string }>(
    `select table_schema as schema, table_name as name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
        and ($1::text is null or table_name not like $1)`,
    [except ?? null],
  );
  const found: string[] = [];
  for (const { schema, name } of tables) {
    const { rows } = await db.pool.query(`select 1 from "${schema}"."${name}" t where strpos(t::text, $1) > 0 limit 1`, [text]);
    if (rows.length > 0) found.push(name);
  }
  return found.sort();
}
