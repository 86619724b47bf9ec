import type pg from 'pg';
import type { Projection } from './defineProjection';
import { ProjectionCommandError, UnknownProjectionError } from './errors';
import { CHECKPOINTS_TABLE, PROJECTIONS_TABLE } from './tables';

/**
 * Makes `projection`'s version the one readers see: records it as active and points the stable view
 * of each of its tables (`order_summary` → `order_summary_v2`) at it. Run inside the caller's
 * transaction, so readers see the old version or the new one, never a mix.
 */
export async function activateVersion(tx: pg.PoolClient, projection: Projection): Promise<void> {
  await tx.query(
    `insert into ${PROJECTIONS_TABLE} (name, active_version) values ($1, $2)
     on conflict (name) do update set active_version = excluded.active_version, activated_at = now()`,
    [projection.name, projection.version],
  );
  for (const [table, versioned] of Object.entries<string>(projection.tableNames)) {
    // Dropped and recreated rather than replaced: a new version may change the columns.
    await tx.query(`drop view if exists ${tx.escapeIdentifier(table)}`);
    await tx.query(`create view ${tx.escapeIdentifier(table)} as select * from ${tx.escapeIdentifier(versioned)}`);
  }
}

/** The version readers see, or undefined when no version of the projection was ever deployed. */
export async function activeVersionOf(db: pg.Pool | pg.PoolClient, name: string): Promise<number | undefined> {
  const { rows } = await db.query<{ active_version: number }>(`select active_version from ${PROJECTIONS_TABLE} where name = $1`, [name]);
  return rows[0]?.active_version;
}

/** The version to act on: the one asked for, which must be deployed, or else the active one. */
export async function resolveVersion(db: pg.Pool | pg.PoolClient, name: string, version: number | undefined): Promise<number> {
  if (version !== undefined) {
    const { rowCount } = await db.query(`select 1 from ${CHECKPOINTS_TABLE} where name = $1 and version = $2`, [name, version]);
    if (rowCount === 0) throw new ProjectionCommandError(`projection ${name} has no version ${version}`);
    return version;
  }
  const active = await activeVersionOf(db, name);
  if (active !== undefined) return active;
  const { rows } = await db.query<{ name: string }>(`select name from ${PROJECTIONS_TABLE} order by name`);
  throw new UnknownProjectionError(name, rows.map((row) => row.name));
}
