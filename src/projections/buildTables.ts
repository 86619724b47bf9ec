import pg from 'pg';
import type { Projection, TableNames } from './defineProjection';
import { InvalidProjectionError } from './errors';

// PostgreSQL truncates identifiers at 63 bytes; a truncated name would silently collide.
const MAX_IDENTIFIER_LENGTH = 63;

/** A projection version's table names with a suffix: where a build folds the log beside the live tables. */
export function scratchTableNames(projection: Projection, suffix: string): TableNames<string> {
  return Object.fromEntries(
    Object.entries<string>(projection.tableNames).map(([table, versioned]) => {
      const name = `${versioned}_${suffix}`;
      if (name.length > MAX_IDENTIFIER_LENGTH) throw new InvalidProjectionError(`projection ${projection.name}: ${name} is longer than ${MAX_IDENTIFIER_LENGTH} characters`);
      return [table, name];
    }),
  );
}

interface Relation {
  name: string;
  /** r: table, v: view, m: materialized view */
  kind: string;
}

/** The relations of `names` that exist, in the order given. */
async function existing(db: pg.PoolClient | pg.Pool, names: readonly string[]): Promise<Relation[]> {
  const { rows } = await db.query<{ relname: string; relkind: string }>(
    `select c.relname, c.relkind from pg_class c
      where c.relname = any($1::text[]) and c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'v', 'm', 'p')`,
    [names],
  );
  const kinds = new Map(rows.map((row) => [row.relname, row.relkind]));
  return names.filter((name) => kinds.has(name)).map((name) => ({ name, kind: kinds.get(name)! }));
}

/** Drops these relations when they exist, with what depends on them (the projection's own views). */
export async function dropRelations(db: pg.PoolClient | pg.Pool, names: readonly string[]): Promise<void> {
  for (const { name, kind } of await existing(db, names)) {
    const what = kind === 'v' ? 'view' : kind === 'm' ? 'materialized view' : 'table';
    await db.query(`drop ${what} if exists ${escape(name)} cascade`);
  }
}

/** The base tables among `names`: the ones that hold rows (views are computed from them). */
export async function baseTables(db: pg.PoolClient | pg.Pool, names: readonly string[]): Promise<string[]> {
  return (await existing(db, names)).filter((relation) => relation.kind === 'r' || relation.kind === 'p').map((relation) => relation.name);
}

/** Empties the base tables among `names` in one statement. */
export async function truncateTables(db: pg.PoolClient | pg.Pool, names: readonly string[]): Promise<void> {
  const tables = await baseTables(db, names);
  if (tables.length > 0) await db.query(`truncate ${tables.map(escape).join(', ')}`);
}

/**
 * Renames each relation `from[i]` to `to[i]`, and the indexes of each table along with it (their
 * names start with the table's name in the projections' DDL), so that the next build can create
 * its scratch indexes again. Views keep pointing at their tables: they follow the table, not the name.
 */
export async function renameRelations(tx: pg.PoolClient, from: readonly string[], to: readonly string[]): Promise<void> {
  for (const { name } of await existing(tx, from)) {
    const target = to[from.indexOf(name)]!;
    const { rows } = await tx.query<{ relname: string }>(
      `select i.relname from pg_index x join pg_class i on i.oid = x.indexrelid where x.indrelid = $1::regclass`,
      [name],
    );
    await tx.query(`alter table ${escape(name)} rename to ${escape(target)}`);
    for (const { relname } of rows) {
      if (relname.startsWith(name)) await tx.query(`alter index ${escape(relname)} rename to ${escape(`${target}${relname.slice(name.length)}`)}`);
    }
  }
}

const escape = (name: string) => pg.escapeIdentifier(name);
