import { createHash } from 'node:crypto';
import type pg from 'pg';
import { activateVersion, activeVersionOf } from './activeVersion';
import type { Projection } from './defineProjection';
import { ProjectionError, ProjectionSetupChangedError, messageOf } from './errors';
import { CHECKPOINTS_TABLE } from './tables';
import { withTransaction } from './transaction';

export interface SetupResult {
  /** True when this call built the version's tables (its first deployment). */
  created: boolean;
  /** The version readers see after the call. */
  activeVersion: number;
}

/**
 * Deploys a projection version: on its first deployment runs its setup DDL and creates its
 * checkpoint at the start of the log, in one transaction; the first version of a projection also
 * becomes the active one. Later calls only check that the DDL is still the one the tables were built
 * with. Safe to call from every worker at start-up: concurrent calls queue on a transaction lock.
 */
export async function setupProjection(pool: pg.Pool, projection: Projection): Promise<SetupResult> {
  const ddl = projection.setup(projection.tableNames);
  const setupHash = setupHashOf(projection);
  return withTransaction(pool, async (client) => {
    await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`sagaflow.projection-setup:${projection.name}`]);
    const { rows } = await client.query<{ setup_hash: string }>(`select setup_hash from ${CHECKPOINTS_TABLE} where name = $1 and version = $2`, [
      projection.name,
      projection.version,
    ]);
    const existing = rows[0];
    if (existing && existing.setup_hash !== setupHash) throw new ProjectionSetupChangedError(projection.name, projection.version);
    if (!existing) {
      try {
        await client.query(ddl);
      } catch (error) {
        throw new ProjectionError(`projection ${projection.name} v${projection.version}: its setup DDL failed: ${messageOf(error)}`, { cause: error });
      }
    }
    // The event types are refreshed on every deployment: status reports compute lag from them.
    await client.query(
      `insert into ${CHECKPOINTS_TABLE} (name, version, event_types, setup_hash) values ($1, $2, $3, $4)
       on conflict (name, version) do update set event_types = excluded.event_types
        where ${CHECKPOINTS_TABLE}.event_types is distinct from excluded.event_types`,
      [projection.name, projection.version, projection.eventTypes, setupHash],
    );
    let activeVersion = await activeVersionOf(client, projection.name);
    if (activeVersion === undefined) {
      await activateVersion(client, projection);
      activeVersion = projection.version;
    }
    return { created: !existing, activeVersion };
  });
}

/** What a version's tables are built by: a hash of its setup DDL for its own table names. */
export function setupHashOf(projection: Projection): string {
  return createHash('sha256').update(projection.setup(projection.tableNames)).digest('hex');
}
