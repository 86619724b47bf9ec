import type pg from 'pg';
import { LOG_VIEW } from '../eventstore/tables';
import type { Checkpoint } from '../eventstore';
import type { ProjectionRunStatus } from './checkpoints';
import { findLogBlocker, type LogBlocker } from './logBlocker';
import { CHECKPOINTS_TABLE, LOCK_KEY_FUNCTION, PROJECTIONS_TABLE, THROUGHPUT_TABLE } from './tables';

export interface ProjectionStatus {
  name: string;
  version: number;
  /** The version readers see through the stable views. */
  active: boolean;
  status: ProjectionRunStatus;
  /** A worker holds the projection version's lock, so someone is applying it. */
  owned: boolean;
  checkpoint: Checkpoint;
  eventsApplied: number;
  /** Committed events of its types after its checkpoint. */
  lagEvents: number;
  /** Age of the oldest of those events (0 when caught up). */
  lagMs: number;
  /** Events applied per second over the last minute. */
  eventsPerSecond: number;
  lastError: string | null;
  /** The event it fails on, while retrying or stalled. */
  failedEvent: { eventId: string; globalPosition: number; transactionId: string; attempts: number } | null;
  /**
   * Set when part of the lag is committed events of its types that no worker may read yet because
   * an older transaction is still open (in any database of the server): how many, and that
   * transaction's session.
   */
  heldBack: { events: number; by: LogBlocker } | null;
  updatedAt: Date;
}

interface StatusRow {
  name: string;
  version: number;
  active: boolean;
  status: ProjectionRunStatus;
  owned: boolean;
  transaction_id: string;
  global_position: string;
  events_applied: string;
  lag_events: string;
  held_events: string;
  lag_ms: string;
  events_per_second: string;
  last_error: string | null;
  failed_event_id: string | null;
  failed_global_position: string | null;
  failed_transaction_id: string | null;
  failed_attempts: number | null;
  updated_at: Date;
}

const RATE_WINDOW_SECONDS = 60;

/**
 * Every deployed projection version with its position, lag (events and age), recent rate, state,
 * last error and, when an open transaction holds its events back, that transaction's session. Reads
 * only the database, so any process can report it, whichever worker does the work.
 */
export async function projectionStatus(db: pg.Pool | pg.PoolClient): Promise<ProjectionStatus[]> {
  // First the blocker, then the lag behind its transaction id: events past it wait for it, whether
  // or not a younger transaction has become the bound meanwhile.
  const blocker = await findLogBlocker(db);
  const { rows } = await db.query<StatusRow>(
    `select c.name, c.version, coalesce(p.active_version = c.version, false) as active, c.status,
            c.transaction_id::text as transaction_id, c.global_position, c.events_applied,
            c.last_error, c.failed_event_id, c.failed_global_position, c.failed_transaction_id::text as failed_transaction_id,
            c.failed_attempts, c.updated_at,
            lag.events as lag_events, lag.held as held_events,
            coalesce(round(extract(epoch from now() - lag.oldest) * 1000), 0) as lag_ms,
            coalesce((select sum(t.events) from ${THROUGHPUT_TABLE} t
                       where t.name = c.name and t.version = c.version
                         and t.bucket_start > now() - make_interval(secs => ${RATE_WINDOW_SECONDS})), 0)::float8 / ${RATE_WINDOW_SECONDS} as events_per_second,
            exists (select 1 from pg_locks l
                     where l.locktype = 'advisory' and l.granted and l.objsubid = 1
                       and l.database = (select oid from pg_database where datname = current_database())
                       -- a bigint lock key shows in pg_locks as its high and low 32 bits
                       and l.classid = ((k.key >> 32) & 4294967295)::oid
                       and l.objid = (k.key & 4294967295)::oid) as owned
       from ${CHECKPOINTS_TABLE} c
       left join ${PROJECTIONS_TABLE} p on p.name = c.name
       cross join lateral (select ${LOCK_KEY_FUNCTION}(c.name, c.version) as key) k
       cross join lateral (select count(*) as events, min(e.created_at) as oldest,
                                  count(*) filter (where e.transaction_id > $1::text::xid8) as held
                             from ${LOG_VIEW} e
                            where (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
                              and e.event_type = any(c.event_types)) lag
      order by c.name, c.version`,
    [blocker?.transactionId ?? null],
  );
  return rows.map((row) => ({
    name: row.name,
    version: row.version,
    active: row.active,
    status: row.status,
    owned: row.owned,
    checkpoint: { transactionId: row.transaction_id, globalPosition: Number(row.global_position) },
    eventsApplied: Number(row.events_applied),
    lagEvents: Number(row.lag_events),
    lagMs: Number(row.lag_ms),
    eventsPerSecond: Number(row.events_per_second),
    lastError: row.last_error,
    failedEvent:
      row.failed_event_id && row.failed_global_position && row.failed_transaction_id
        ? {
            eventId: row.failed_event_id,
            globalPosition: Number(row.failed_global_position),
            transactionId: row.failed_transaction_id,
            attempts: row.failed_attempts ?? 0,
          }
        : null,
    heldBack: blocker && Number(row.held_events) > 0 ? { events: Number(row.held_events), by: blocker } : null,
    updatedAt: row.updated_at,
  }));
}
