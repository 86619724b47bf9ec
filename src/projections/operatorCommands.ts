import type pg from 'pg';
import { LOG_VIEW } from '../eventstore/tables';
import { resolveVersion } from './activeVersion';
import { ProjectionCommandError } from './errors';
import { CHECKPOINTS_TABLE, PROJECTION_CHANNEL, SKIPPED_EVENTS_TABLE } from './tables';
import { withTransaction } from './transaction';

export interface VersionOption {
  /** The projection version to act on (default: the active one). */
  version?: number;
}

export interface SkipOptions extends VersionOption {
  /** Why the event may be passed over: recorded with the skip. */
  reason: string;
  /** Who decided it: recorded with the skip. */
  actor: string;
}

export interface SkippedEvent {
  name: string;
  version: number;
  globalPosition: number;
  eventId: string;
  eventType: string;
  streamId: string;
  /** True when the projection was stalled (or retrying) on this event and runs on now. */
  resumed: boolean;
}

/**
 * Tells a projection version to pass over the event at a global position (typically the poison event
 * it stalled on), recording who skipped what and why. If the projection was stopped on that event it
 * runs on at once. Refused for an event the projection already applied or does not read.
 */
export async function skipEvent(pool: pg.Pool, name: string, position: number, options: SkipOptions): Promise<SkippedEvent> {
  if (!Number.isSafeInteger(position) || position < 1) throw new ProjectionCommandError(`position: must be a global position (a whole number ≥ 1), got ${position}`);
  const reason = requireText('reason', options.reason);
  const actor = requireText('actor', options.actor);
  return withTransaction(pool, async (tx) => {
    const version = await resolveVersion(tx, name, options.version);
    // Only events ahead of the checkpoint can be skipped; looking there alone keeps the lookup on the
    // log's (transaction_id, global_position) index.
    const { rows } = await tx.query<{
      transaction_id: string | null;
      event_id: string | null;
      event_type: string | null;
      stream_id: string | null;
      read: boolean | null;
      failing: boolean;
      last_error: string | null;
    }>(
      `select e.transaction_id::text as transaction_id, e.event_id, e.event_type, e.stream_id,
              e.event_type = any(c.event_types) as read,
              coalesce(c.failed_global_position = $3, false) as failing,
              c.last_error
         from ${CHECKPOINTS_TABLE} c
         left join lateral (
           select * from ${LOG_VIEW} e
            where e.transaction_id >= c.transaction_id and e.global_position = $3
              and (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)) e on true
        where c.name = $1 and c.version = $2
          for update of c`,
      [name, version, position],
    );
    const event = rows[0]!; // resolveVersion found the checkpoint row
    if (!event.event_id || !event.transaction_id || !event.event_type || !event.stream_id) {
      throw new ProjectionCommandError(`projection ${name} v${version} has no event at global position ${position} ahead of its checkpoint: it was applied already, or there is none`);
    }
    if (!event.read) throw new ProjectionCommandError(`projection ${name} v${version} does not read ${event.event_type} events: nothing to skip at ${position}`);
    await tx.query(
      `insert into ${SKIPPED_EVENTS_TABLE} (name, version, global_position, transaction_id, event_id, event_type, stream_id, reason, actor, error)
       values ($1, $2, $3, $4::text::xid8, $5, $6, $7, $8, $9, $10)
       on conflict (name, version, global_position) do nothing`,
      [name, version, position, event.transaction_id, event.event_id, event.event_type, event.stream_id, reason, actor, event.failing ? event.last_error : null],
    );
    if (event.failing) await clearFailure(tx, name, version);
    return { name, version, globalPosition: position, eventId: event.event_id, eventType: event.event_type, streamId: event.stream_id, resumed: event.failing };
  });
}

/**
 * Sets a stalled projection version running again from where it stopped, to retry the event it
 * stalled on (after the handler was fixed). Returns false when it was not stalled.
 */
export async function resumeProjection(pool: pg.Pool, name: string, options: VersionOption = {}): Promise<boolean> {
  return withTransaction(pool, async (tx) => {
    const version = await resolveVersion(tx, name, options.version);
    const { rows } = await tx.query<{ status: string }>(`select status from ${CHECKPOINTS_TABLE} where name = $1 and version = $2 for update`, [name, version]);
    if (rows[0]?.status !== 'stalled') return false;
    await clearFailure(tx, name, version);
    return true;
  });
}

async function clearFailure(tx: pg.PoolClient, name: string, version: number): Promise<void> {
  await tx.query(
    `update ${CHECKPOINTS_TABLE}
        set status = 'running', last_error = null, failed_event_id = null, failed_transaction_id = null,
            failed_global_position = null, failed_attempts = null, updated_at = now()
      where name = $1 and version = $2`,
    [name, version],
  );
  // Delivered on commit: the owning worker looks again at once instead of at its next poll.
  await tx.query('select pg_notify($1, $2)', [PROJECTION_CHANNEL, name]);
}

function requireText(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ProjectionCommandError(`${field}: must be a non-empty text`);
  return value.trim();
}
