/** Names of the projection engine's database objects, in one place for the SQL of every module. */
export const PROJECTIONS_TABLE = 'projections';
export const CHECKPOINTS_TABLE = 'projection_checkpoints';
export const THROUGHPUT_TABLE = 'projection_throughput';
export const SKIPPED_EVENTS_TABLE = 'projection_skipped_events';
/** pg_notify channel that wakes workers when an operator changes a projection (a skip, a resume). */
export const PROJECTION_CHANNEL = 'sagaflow_projections';
/**
 * pg_notify channel raised by every committed batch (payload: the projection's name), for readers
 * waiting on a projection. Apart from PROJECTION_CHANNEL so that a batch does not wake the workers.
 */
export const PROGRESS_CHANNEL = 'sagaflow_projection_progress';

/** The table a projection version builds for a read model: `order_summary` at version 2 is `order_summary_v2`. */
export function versionedTableName(table: string, version: number): string {
  return `${table}_v${version}`;
}

/** SQL function giving the advisory lock key whose holder applies a projection version. */
export const LOCK_KEY_FUNCTION = 'sagaflow_projection_lock_key';
export const BUILDS_TABLE = 'projection_builds';
export const BUILD_PARTITIONS_TABLE = 'projection_build_partitions';
