import type pg from 'pg';
import type { Checkpoint } from '../eventstore';
import { BUILD_PARTITIONS_TABLE, BUILDS_TABLE } from './tables';

export type BuildPurpose = 'rebuild' | 'verify';

export interface PartitionState {
  partition: number;
  checkpoint: Checkpoint;
  eventsDone: number;
}

export interface BuildState {
  name: string;
  version: number;
  purpose: BuildPurpose;
  /** Suffix of the scratch tables, or null when the build fills the version's own tables. */
  scratchSuffix: string | null;
  /** Every partition folds the log up to here. */
  bound: Checkpoint;
  /** Events of the projection's types up to the bound. */
  eventsToBound: number;
  /** Where the single-stream catch-up after the partitions stands; undefined until it starts. */
  catchUp: Checkpoint | undefined;
  partitions: PartitionState[];
}

type NewBuild = Omit<BuildState, 'catchUp' | 'partitions'> & { partitions: number };

/** The build of a projection for a purpose, as far as it got; undefined when none is under way. */
export async function readBuild(db: pg.Pool | pg.PoolClient, name: string, purpose: BuildPurpose): Promise<BuildState | undefined> {
  const { rows } = await db.query<{
    version: number;
    scratch_suffix: string | null;
    bound_transaction_id: string;
    bound_global_position: string;
    events_to_bound: string;
    transaction_id: string | null;
    global_position: string | null;
  }>(
    `select version, scratch_suffix, bound_transaction_id::text as bound_transaction_id, bound_global_position, events_to_bound,
            transaction_id::text as transaction_id, global_position
       from ${BUILDS_TABLE} where name = $1 and purpose = $2`,
    [name, purpose],
  );
  const row = rows[0];
  if (!row) return undefined;
  const { rows: partitions } = await db.query<{ partition: number; transaction_id: string; global_position: string; events_done: string }>(
    `select partition, transaction_id::text as transaction_id, global_position, events_done
       from ${BUILD_PARTITIONS_TABLE} where name = $1 and purpose = $2 order by partition`,
    [name, purpose],
  );
  return {
    name,
    version: row.version,
    purpose,
    scratchSuffix: row.scratch_suffix,
    bound: { transactionId: row.bound_transaction_id, globalPosition: Number(row.bound_global_position) },
    eventsToBound: Number(row.events_to_bound),
    catchUp: row.transaction_id !== null ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) } : undefined,
    partitions: partitions.map((p) => ({
      partition: p.partition,
      checkpoint: { transactionId: p.transaction_id, globalPosition: Number(p.global_position) },
      eventsDone: Number(p.events_done),
    })),
  };
}

/** Records a new build with its partitions at the start of the log, replacing any earlier one of the same purpose. */
export async function createBuild(tx: pg.PoolClient, build: NewBuild): Promise<BuildState> {
  await deleteBuild(tx, build.name, build.purpose);
  await tx.query(
    `insert into ${BUILDS_TABLE} (name, version, purpose, scratch_suffix, partitions, bound_transaction_id, bound_global_position, events_to_bound)
     values ($1, $2, $3, $4, $5, $6::text::xid8, $7, $8)`,
    [build.name, build.version, build.purpose, build.scratchSuffix, build.partitions, build.bound.transactionId, build.bound.globalPosition, build.eventsToBound],
  );
  await tx.query(`insert into ${BUILD_PARTITIONS_TABLE} (name, purpose, partition) select $1, $2, p from generate_series(0, $3 - 1) as p`, [
    build.name,
    build.purpose,
    build.partitions,
  ]);
  const start = { transactionId: '0', globalPosition: 0 };
  return { ...build, catchUp: undefined, partitions: Array.from({ length: build.partitions }, (_, partition) => ({ partition, checkpoint: start, eventsDone: 0 })) };
}

export async function deleteBuild(db: pg.Pool | pg.PoolClient, name: string, purpose: BuildPurpose): Promise<void> {
  await db.query(`delete from ${BUILDS_TABLE} where name = $1 and purpose = $2`, [name, purpose]);
}

/** Locks and returns a partition's checkpoint for the caller's transaction. */
export async function lockPartition(tx: pg.PoolClient, name: string, purpose: BuildPurpose, partition: number): Promise<Checkpoint | undefined> {
  const { rows } = await tx.query<{ transaction_id: string; global_position: string }>(
    `select transaction_id::text as transaction_id, global_position from ${BUILD_PARTITIONS_TABLE}
      where name = $1 and purpose = $2 and partition = $3 for update`,
    [name, purpose, partition],
  );
  const row = rows[0];
  return row ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) } : undefined;
}

export async function advancePartition(tx: pg.PoolClient, name: string, purpose: BuildPurpose, partition: number, to: Checkpoint, events: number): Promise<void> {
  await tx.query(
    `update ${BUILD_PARTITIONS_TABLE} set transaction_id = $4::text::xid8, global_position = $5, events_done = events_done + $6
      where name = $1 and purpose = $2 and partition = $3`,
    [name, purpose, partition, to.transactionId, to.globalPosition, events],
  );
}

/** Locks and returns where the build's catch-up stands (the bound before it starts). */
export async function lockCatchUp(tx: pg.PoolClient, name: string, purpose: BuildPurpose): Promise<Checkpoint | undefined> {
  const { rows } = await tx.query<{ transaction_id: string; global_position: string }>(
    `select coalesce(transaction_id, bound_transaction_id)::text as transaction_id, coalesce(global_position, bound_global_position) as global_position
       from ${BUILDS_TABLE} where name = $1 and purpose = $2 for update`,
    [name, purpose],
  );
  const row = rows[0];
  return row ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) } : undefined;
}

export async function advanceCatchUp(tx: pg.PoolClient, name: string, purpose: BuildPurpose, to: Checkpoint): Promise<void> {
  await tx.query(`update ${BUILDS_TABLE} set transaction_id = $3::text::xid8, global_position = $4 where name = $1 and purpose = $2`, [
    name,
    purpose,
    to.transactionId,
    to.globalPosition,
  ]);
}
