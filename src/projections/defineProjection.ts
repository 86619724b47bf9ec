import type pg from 'pg';
import type { StoredEvent } from '../eventstore';
import { InvalidProjectionError } from './errors';
import { versionedTableName } from './tables';

/** The versioned names of a projection's read tables, by the base names it declared. */
export type TableNames<Table extends string> = { readonly [T in Table]: string };

export interface ProjectionDefinition<Table extends string = string> {
  /** Stable identity of the projection: lower-case letters, digits and underscores. */
  name: string;
  /** Bump it when the tables or the handler change meaning: the new version is built beside the old. */
  version: number;
  /**
   * Its freshness SLA: the age its oldest unapplied event may reach before the projection counts as
   * in breach (`sagaflow projections status`). Default DEFAULT_MAX_LAG_MS (5 s);
   * configuration may override it (SAGAFLOW_PROJECTION_MAX_LAG).
   */
  maxLagMs?: number;
  /** Only these event types are read; the others never reach `apply`. */
  eventTypes: readonly string[];
  /**
   * Base names of the relations `setup` creates (tables or views). Each is created as
   * `<base>_v<version>`, and readers query a view named `<base>` that points at the active version.
   */
  tables: readonly Table[];
  /** DDL creating the version's relations, run once when the version is first deployed. */
  setup(tables: TableNames<Table>): string;
  /**
   * Folds a batch of events, in global order, into the read tables, inside `tx`: the engine commits
   * the writes with the checkpoint. Writes must be idempotent (guarded by the stream version each
   * row last applied), so that applying the same batch again changes nothing.
   */
  apply(events: StoredEvent[], tx: pg.PoolClient, tables: TableNames<Table>): Promise<void>;
  /**
   * Optional set-based fold for rebuilds: statements computing, from the events in a relation named
   * `log`, the rows `apply` would leave after exactly those events, inserted into the empty tables.
   * A rebuild runs them once per partition (the events of a slice of the streams, by hash of stream
   * id), so each row must come from one stream's events; events an operator skipped are not in it.
   * `log` has the columns of the events table (global_position, transaction_id, event_id, stream_id,
   * stream_type, version, event_type, schema_version, data, metadata, created_at) and holds the
   * stored payloads: a rebuild takes this
   * path only when every event of `eventTypes` is stored at its contract's latest version, and folds
   * through `apply` otherwise. `apply` stays the reference: a rebuild verifies the tables against it
   * before dropping the ones it replaced, and `projections verify` always folds through `apply`.
   */
  foldInSql?(tables: TableNames<Table>): readonly string[];
}

/** A projection ready for the engine: its definition with the versioned table names resolved. */
export interface Projection<Table extends string = string> extends ProjectionDefinition<Table> {
  tableNames: TableNames<Table>;
}

const IDENTIFIER = /^[a-z][a-z0-9_]*$/;
// PostgreSQL truncates identifiers at 63 bytes; a truncated name would silently collide.
const MAX_IDENTIFIER_LENGTH = 63;

/** Checks a projection's definition and resolves its table names; every broken rule names its field. */
export function defineProjection<const Table extends string>(definition: ProjectionDefinition<Table>): Projection<Table> {
  const problems: string[] = [];
  const where = `projection ${JSON.stringify(definition.name)}`;
  if (typeof definition.name !== 'string' || !IDENTIFIER.test(definition.name)) {
    problems.push('name: must start with a lower-case letter and hold only lower-case letters, digits and underscores');
  }
  if (!Number.isSafeInteger(definition.version) || definition.version < 1) problems.push(`version: must be a whole number ≥ 1, got ${definition.version}`);
  if (!Array.isArray(definition.eventTypes) || definition.eventTypes.length === 0) {
    problems.push('eventTypes: must list at least one event type');
  } else if (definition.eventTypes.some((type) => typeof type !== 'string' || type.length === 0)) {
    problems.push('eventTypes: every entry must be a non-empty event type name');
  }
  if (!Array.isArray(definition.tables) || definition.tables.length === 0) problems.push('tables: must list at least one table');
  for (const table of definition.tables ?? []) {
    const versioned = versionedTableName(table, definition.version);
    if (!IDENTIFIER.test(table)) problems.push(`tables: ${JSON.stringify(table)} must be lower-case letters, digits and underscores, starting with a letter`);
    else if (versioned.length > MAX_IDENTIFIER_LENGTH) problems.push(`tables: ${versioned} is longer than ${MAX_IDENTIFIER_LENGTH} characters`);
  }
  if (new Set(definition.tables).size !== definition.tables?.length) problems.push('tables: must not repeat a name');
  if (typeof definition.setup !== 'function') problems.push('setup: must be a function returning DDL');
  if (typeof definition.apply !== 'function') problems.push('apply: must be a function');
  if (definition.maxLagMs !== undefined && !(Number.isSafeInteger(definition.maxLagMs) && definition.maxLagMs >= 1)) {
    problems.push(`maxLagMs: must be a whole number of milliseconds ≥ 1, got ${JSON.stringify(definition.maxLagMs)}`);
  }
  if (definition.foldInSql !== undefined && typeof definition.foldInSql !== 'function') problems.push('foldInSql: must be a function returning SQL statements, or absent');
  if (problems.length > 0) throw new InvalidProjectionError(`${where} is invalid:\n  ${problems.join('\n  ')}`);

  const tableNames = Object.fromEntries(definition.tables.map((table) => [table, versionedTableName(table, definition.version)])) as TableNames<Table>;
  // Asked once here, so a fold that yields nothing runnable is refused at startup, not mid-rebuild.
  const statements: unknown = definition.foldInSql?.(tableNames) ?? ['-'];
  if (!Array.isArray(statements) || statements.length === 0 || !statements.every((statement) => typeof statement === 'string' && statement.trim() !== '')) {
    throw new InvalidProjectionError(`${where} is invalid:\n  foldInSql: must return a non-empty array of SQL statements, got ${JSON.stringify(statements)}`);
  }
  return { ...definition, eventTypes: [...definition.eventTypes], tables: [...definition.tables], tableNames };
}
