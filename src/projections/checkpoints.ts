import type pg from 'pg';
import type { Checkpoint, StoredEvent } from '../eventstore';
import { CHECKPOINTS_TABLE } from './tables';

/** rebuilding: a rebuild fills the version's tables; workers leave it alone until it is swapped in. */
export type ProjectionRunStatus = 'running' | 'retrying' | 'stalled' | 'rebuilding';

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

export type FailureRecord =
  | { recorded: true; attempts: number; stalled: boolean }
  /** The checkpoint moved or the projection was already stalled: another worker got there first. */
  | { recorded: false };

/**
 * Records a failed attempt at `event`. Attempts are counted in the checkpoint row, so they survive
 * a restart or a failover; the one that reaches `allowedAttempts` stalls the projection on the event.
 * Only while the checkpoint is still just before the event: a worker that lost its lock cannot
 * mark a projection another worker has moved on.
 */
export async function recordHandlerFailure(
  pool: pg.Pool,
  name: string,
  version: number,
  at: Checkpoint,
  failure: { event: StoredEvent; error: string; allowedAttempts: number },
): Promise<FailureRecord> {
  const { rows } = await pool.query<{ failed_attempts: number; status: ProjectionRunStatus }>(
    `update ${CHECKPOINTS_TABLE}
        set failed_attempts = attempts.n,
            status = case when attempts.n >= $6 then 'stalled' else 'retrying' end,
            last_error = $5, failed_event_id = $7, failed_transaction_id = $8::text::xid8, failed_global_position = $9, updated_at = now()
       from (select case when failed_event_id = $7 then failed_attempts + 1 else 1 end as n
               from ${CHECKPOINTS_TABLE} where name = $1 and version = $2) attempts
      where name = $1 and version = $2 and transaction_id = $3::text::xid8 and global_position = $4 and status <> 'stalled'
      returning failed_attempts, status`,
    [name, version, at.transactionId, at.globalPosition, failure.error, failure.allowedAttempts, failure.event.eventId, failure.event.transactionId, failure.event.globalPosition],
  );
  const row = rows[0];
  return row ? { recorded: true, attempts: row.failed_attempts, stalled: row.status === 'stalled' } : { recorded: false };
}
