import type pg from 'pg';
import { compareCheckpoints, type Checkpoint, type StoredEvent } from '../eventstore';
import { readCheckpoint } from './checkpoints';
import type { Projection, TableNames } from './defineProjection';
import { isConnectionError } from '../errors/postgresErrors';
import { ProjectionHandlerError } from './errors';
import { CHECKPOINTS_TABLE, PROGRESS_CHANNEL, SKIPPED_EVENTS_TABLE, THROUGHPUT_TABLE } from './tables';
import { withTransaction } from './transaction';

export interface Batch {
  /** The checkpoint the page was read after. */
  from: Checkpoint;
  /** The page's events, in global order. */
  events: StoredEvent[];
  /** The checkpoint after the page's last event. */
  to: Checkpoint;
}

export type BatchResult =
  | { applied: true; events: number; checkpoint: Checkpoint }
  /** Another worker moved the checkpoint (this one lost its lock), or an operator stalled the projection, or a rebuild fills it: nothing was written. */
  | { applied: false; reason: 'CHECKPOINT_MOVED' | 'STALLED' };

/** Test seam: runs inside the batch's transaction after the read-table writes, before the checkpoint moves. */
export type BeforeCheckpointHook = (projection: Projection, events: readonly StoredEvent[]) => void | Promise<void>;

/**
 * Applies one page of the log to a projection and moves its checkpoint past it, in one transaction:
 * a crash at any instant leaves either both or neither. The checkpoint row is locked and compared
 * with the page's start first, so a worker that lost its advisory lock (a dropped connection) while
 * another took over cannot apply the page a second time. Events an operator skipped are left out.
 * A handler failure is thrown as ProjectionHandlerError after the rollback.
 */
export async function applyBatch(pool: pg.Pool, projection: Projection, batch: Batch, beforeCheckpoint?: BeforeCheckpointHook): Promise<BatchResult> {
  return withTransaction(pool, async (client) => {
    // Nothing is written before these checks, so returning early commits an empty transaction.
    const state = await readCheckpoint(client, projection.name, projection.version, true);
    if (!state || compareCheckpoints(state.checkpoint, batch.from) !== 0) return { applied: false, reason: 'CHECKPOINT_MOVED' };
    if (state.status === 'stalled' || state.status === 'rebuilding') return { applied: false, reason: 'STALLED' };

    const events = await applyEvents(client, projection, projection.tableNames, batch.events);
    await beforeCheckpoint?.(projection, events);
    await client.query(
      `with advanced as (
         update ${CHECKPOINTS_TABLE}
            set transaction_id = $3::text::xid8, global_position = $4, events_applied = events_applied + $5,
                status = 'running', last_error = null, failed_event_id = null, failed_transaction_id = null,
                failed_global_position = null, failed_attempts = null, updated_at = now()
          where name = $1 and version = $2
          -- Delivered at commit, with the checkpoint: readers waiting on the projection look again. One
          -- per batch, not per append, so the notification queue's commit lock costs the workers little.
          returning pg_notify('${PROGRESS_CHANNEL}', $1)),
       pruned as (
         delete from ${THROUGHPUT_TABLE} where name = $1 and version = $2 and bucket_start < now() - interval '1 hour')
       insert into ${THROUGHPUT_TABLE} (name, version, bucket_start, events)
       select $1, $2, to_timestamp(floor(extract(epoch from now()) / 10) * 10), $5::bigint where $5::bigint > 0
       on conflict (name, version, bucket_start) do update set events = ${THROUGHPUT_TABLE}.events + excluded.events`,
      [projection.name, projection.version, batch.to.transactionId, batch.to.globalPosition, events.length],
    );
    return { applied: true, events: events.length, checkpoint: batch.to };
  });
}

/**
 * Folds events into a set of the projection's tables (its own, or a build's) inside `tx`, leaving
 * out those an operator skipped for this version; returns the events applied. A handler failure is
 * thrown as ProjectionHandlerError.
 */
export async function applyEvents(tx: pg.PoolClient, projection: Projection, tables: TableNames<string>, page: StoredEvent[]): Promise<StoredEvent[]> {
  const events = await withoutSkipped(tx, projection, page);
  if (events.length === 0) return events;
  try {
    await projection.apply(events, tx, tables);
  } catch (error) {
    throw isConnectionError(error) ? error : new ProjectionHandlerError(projection.name, projection.version, events, error);
  }
  return events;
}

async function withoutSkipped(client: pg.PoolClient, projection: Projection, events: StoredEvent[]): Promise<StoredEvent[]> {
  if (events.length === 0) return events;
  const { rows } = await client.query<{ global_position: string }>(
    `select global_position from ${SKIPPED_EVENTS_TABLE} where name = $1 and version = $2 and global_position = any($3::bigint[])`,
    [projection.name, projection.version, events.map((e) => e.globalPosition)],
  );
  if (rows.length === 0) return events;
  const skipped = new Set(rows.map((row) => Number(row.global_position)));
  return events.filter((event) => !skipped.has(event.globalPosition));
}
