import type pg from 'pg';
import { ARCHIVE_FUNCTION, EVENTS_TABLE } from './tables';

/** Which streams count as closed: of one type, their last event one of the closing types, recorded before a time. */
export interface ClosedStreams {
  streamType: string;
  closingEventTypes: readonly string[];
  closedBefore: Date;
}

export interface ClosedStream {
  streamId: string;
  /** Its version: how many events it holds. */
  events: number;
}

/** What the archive function did with one stream (migration 0010). */
export interface ArchivedStream {
  streamId: string;
  /** `open`: it is not closed, or not for long enough (an append came first); left as it is. `absent`: no events in the hot table. */
  outcome: 'archived' | 'open' | 'absent';
  events: number;
}

// The last event of a stream is the one with no successor; the (stream_id, version) key answers that.
const CLOSED_SQL = `from ${EVENTS_TABLE} e
  where e.stream_type = $1 and e.event_type = any($2::text[]) and e.created_at < $3
    and not exists (select 1 from ${EVENTS_TABLE} n where n.stream_id = e.stream_id and n.version = e.version + 1)`;

/** Closed streams still in the hot table, in stream id order after `after`: one batch to archive. */
export async function findClosedStreams(db: pg.Pool | pg.PoolClient, closed: ClosedStreams, { after, limit }: { after?: string; limit: number }): Promise<ClosedStream[]> {
  const { rows } = await db.query<{ stream_id: string; version: string }>(
    `select e.stream_id, e.version ${CLOSED_SQL} and ($4::text is null or e.stream_id > $4) order by e.stream_id limit $5`,
    [closed.streamType, [...closed.closingEventTypes], closed.closedBefore, after ?? null, limit],
  );
  return rows.map((row) => ({ streamId: row.stream_id, events: Number(row.version) }));
}

/** How many closed streams, and events in them, the hot table holds. */
export async function countClosedStreams(db: pg.Pool | pg.PoolClient, closed: ClosedStreams): Promise<{ streams: number; events: number }> {
  const { rows } = await db.query<{ streams: string; events: string }>(
    `select count(*) as streams, coalesce(sum(e.version), 0) as events ${CLOSED_SQL}`,
    [closed.streamType, [...closed.closingEventTypes], closed.closedBefore],
  );
  return { streams: Number(rows[0]!.streams), events: Number(rows[0]!.events) };
}

/**
 * Moves these streams whole from the hot table to the archive, in one transaction, each only if it
 * is still closed once its writers' queue is taken: a stream an append reopened meanwhile stays.
 * Needs the sagaflow_archiver role (or the schema owner): the application role cannot archive.
 */
export async function archiveStreams(db: pg.Pool | pg.PoolClient, streamIds: readonly string[], closed: Omit<ClosedStreams, 'streamType'>): Promise<ArchivedStream[]> {
  const { rows } = await db.query<{ stream_id: string; outcome: ArchivedStream['outcome']; events: string }>(
    `select stream_id, outcome, events from ${ARCHIVE_FUNCTION}($1::text[], $2::text[], $3::timestamptz)`,
    [[...streamIds], [...closed.closingEventTypes], closed.closedBefore],
  );
  return rows.map((row) => ({ streamId: row.stream_id, outcome: row.outcome, events: Number(row.events) }));
}
