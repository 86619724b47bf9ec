import type pg from 'pg';
import type { Checkpoint, StoredEvent } from '../eventstore';
import { CHECKPOINTS_TABLE } from './tables';

export type ProjectionRunStatus = 'running' | 'retrying' | 'stalled';

export interface CheckpointState {
  checkpoint: Checkpoint;
  status: ProjectionRunStatus;
}

interface CheckpointRow {
  transaction_id: string;
  global_position: string;
  status: ProjectionRunStatus;
}

const SELECT_STATE = `select transaction_id::text as transaction_id, global_position, status from ${CHECKPOINTS_TABLE} where name = $1 and version = $2`;

/** Where a projection version stands; undefined when it was never set up. `forUpdate` locks the row for the caller's transaction. */
export async function readCheckpoint(db: pg.Pool | pg.PoolClient, name: string, version: number, forUpdate = false): Promise<CheckpointState | undefined> {
  const { rows } = await db.query<CheckpointRow>(`${SELECT_STATE}${forUpdate ? ' for update' : ''}`, [name, version]);
  const row = rows[0];
  if (!row) return undefined;
  return { checkpoint: { transactionId: row.transaction_id, globalPosition: Number(row.global_position) }, status: row.status };
}

/**
 * Records a failed attempt at `event` while retries go on (`stalled: false`) or stops the projection
 * on it (`stalled: true`). Only while the checkpoint is still just before the event: a worker that
 * lost its lock cannot mark a projection another worker has moved on.
 */
export async function recordHandlerFailure(
  pool: pg.Pool,
  name: string,
  version: number,
  at: Checkpoint,
  failure: { event: StoredEvent; error: string; attempts: number; stalled: boolean },
): Promise<boolean> {
  const { rowCount } = await pool.query(
    `update ${CHECKPOINTS_TABLE}
        set status = $5, last_error = $6, failed_event_id = $7, failed_transaction_id = $8::text::xid8,
            failed_global_position = $9, failed_attempts = $10, updated_at = now()
      where name = $1 and version = $2 and transaction_id = $3::text::xid8 and global_position = $4 and status <> 'stalled'`,
    [
      name,
      version,
      at.transactionId,
      at.globalPosition,
      failure.stalled ? 'stalled' : 'retrying',
      failure.error,
      failure.event.eventId,
      failure.event.transactionId,
      failure.event.globalPosition,
      failure.attempts,
    ],
  );
  return rowCount === 1;
}
