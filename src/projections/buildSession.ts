import type pg from 'pg';
import { withTransaction } from './transaction';
import { dropRelations, scratchTableNames } from './buildTables';
import { createBuild, deleteBuild, type BuildPurpose, type BuildState } from './buildState';
import type { Projection, TableNames } from './defineProjection';
import { ProjectionCommandError } from './errors';
import { eventsInSurvey, surveyRange, type LogSurvey } from './logRange';
import type { Checkpoint } from '../eventstore';
import { LOCK_KEY_FUNCTION } from './tables';

export type BuildPhase = 'partitions' | 'catch-up' | 'swap' | 'validate';

/** How far a rebuild or a verify is: events folded of the total known at the start of the phase. */
export interface BuildProgress {
  phase: BuildPhase;
  done: number;
  total: number;
}

export interface BuildOptionsBase {
  /** Partitions folded at once, by hash of stream id (default 4). */
  partitions?: number;
  /** Events per page and transaction (default 2000). */
  batchSize?: number;
  onProgress?: (progress: BuildProgress) => void;
}

export const DEFAULT_PARTITIONS = 4;
export const MAX_PARTITIONS = 64;
export const DEFAULT_BUILD_BATCH_SIZE = 2000;

export function checkBuildOptions(options: BuildOptionsBase): { partitions: number; batchSize: number } {
  const partitions = options.partitions ?? DEFAULT_PARTITIONS;
  const batchSize = options.batchSize ?? DEFAULT_BUILD_BATCH_SIZE;
  if (!Number.isSafeInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
    throw new ProjectionCommandError(`partitions: must be a whole number from 1 to ${MAX_PARTITIONS}, got ${partitions}`);
  }
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 100_000) throw new ProjectionCommandError(`batchSize: must be a whole number from 1 to 100000, got ${batchSize}`);
  return { partitions, batchSize };
}

/**
 * A connection held for the whole of a build, whose session advisory locks say who works on what:
 * one build per projection and purpose, and (for a rebuild of a new version) the version's own lock,
 * so no worker applies it meanwhile. Closing it, or the process dying, releases every lock.
 */
export class BuildSession {
  private constructor(private readonly client: pg.PoolClient) {}

  static async open(pool: pg.Pool, name: string, purpose: BuildPurpose): Promise<BuildSession> {
    const client = await pool.connect();
    const session = new BuildSession(client);
    const { rows } = await client.query<{ locked: boolean }>(`select pg_try_advisory_lock(hashtextextended($1, 0)) as locked`, [`sagaflow.projection-build:${name}:${purpose}`]);
    if (!rows[0]!.locked) {
      await session.close();
      throw new ProjectionCommandError(`a ${purpose} of ${name} is already running in another process`);
    }
    return session;
  }

  /** Takes the lock the workers apply a projection version under; false when a worker holds it. */
  async lockVersion(name: string, version: number): Promise<boolean> {
    const { rows } = await this.client.query<{ locked: boolean }>(`select pg_try_advisory_lock(${LOCK_KEY_FUNCTION}($1, $2)) as locked`, [name, version]);
    return rows[0]!.locked;
  }

  /** Lets the workers have the version again (after the swap), keeping the build's own lock. */
  async unlockVersion(name: string, version: number): Promise<void> {
    await this.client.query(`select pg_advisory_unlock(${LOCK_KEY_FUNCTION}($1, $2))`, [name, version]);
  }

  async close(): Promise<void> {
    // Unlocked before the connection is destroyed: its end reaches the server only later, and a
    // build started right after this one must find the locks free.
    const unlocked = await this.client.query('select pg_advisory_unlock_all()').then(
      () => true,
      () => false,
    );
    this.client.release(!unlocked);
  }
}

/**
 * Starts a build into scratch tables `<table>_v<version>_<suffix>`: drops any left by an earlier
 * one, creates them with the projection's DDL, and records the build up to `bound` with the survey
 * of the log that counted its events.
 */
export async function startScratchBuild(
  pool: pg.Pool,
  projection: Projection,
  purpose: BuildPurpose,
  suffix: string,
  bound: Checkpoint,
  partitions: number,
): Promise<{ build: BuildState; tables: TableNames<string>; survey: LogSurvey }> {
  const tables = scratchTableNames(projection, suffix);
  return withTransaction(pool, async (tx) => {
    await dropRelations(tx, Object.values(tables));
    await tx.query(projection.setup(tables));
    const survey = await surveyRange(tx, bound, projection.eventTypes, partitions);
    const build = await createBuild(tx, {
      name: projection.name,
      version: projection.version,
      purpose,
      scratchSuffix: suffix,
      partitions,
      bound,
      eventsToBound: eventsInSurvey(survey),
    });
    return { build, tables, survey };
  });
}

/** Drops a scratch build's tables and its record. */
export async function discardScratchBuild(pool: pg.Pool, projection: Projection, purpose: BuildPurpose, suffix: string): Promise<void> {
  await withTransaction(pool, async (tx) => {
    await dropRelations(tx, Object.values(scratchTableNames(projection, suffix)));
    await deleteBuild(tx, projection.name, purpose);
  });
}

