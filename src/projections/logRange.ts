import type pg from 'pg';
import { EVENT_COLUMNS, toStoredEvents, type EventRow } from '../eventstore/eventRows';
import { LOG_VIEW } from '../eventstore/tables';
import { checkpointOf, type Checkpoint, type ContractRegistry, type ReadAllPage } from '../eventstore';
import { logPageSql } from '../eventstore/logPages';

/** One of `count` slices of the log by hash of stream id: every event of a stream falls in the same slice. */
export interface LogPartition {
  index: number;
  count: number;
}

/** The slice of a stream id, in SQL; kept here alone so that every reader and every digest agrees. */
export function partitionOfSql(text: string, count: string): string {
  // The mask keeps the hash non-negative, so the remainder is a slice number.
  return `((hashtextextended(${text}, 0) & 9223372036854775807) % ${count})`;
}

export interface RangeOptions {
  after: Checkpoint;
  /** Last point included. Must lie below every transaction in flight when it was taken (see `gapSafeTip`). */
  upTo: Checkpoint;
  eventTypes: readonly string[];
  limit: number;
  partition?: LogPartition;
}

/**
 * A page of the log between two points of its global order, optionally one partition of it. No
 * gap check is needed: `upTo` was read below the oldest transaction in flight, so nothing can still
 * commit inside the range.
 */
export async function readRange(db: pg.Pool | pg.PoolClient, contracts: ContractRegistry, options: RangeOptions): Promise<ReadAllPage> {
  const { after, upTo, eventTypes, limit, partition } = options;
  const params: unknown[] = [after.transactionId, after.globalPosition, upTo.transactionId, upTo.globalPosition, [...eventTypes], limit];
  if (partition) params.push(partition.count, partition.index);
  const sql = logPageSql({
    select: EVENT_COLUMNS,
    where: `(e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
        and (e.transaction_id, e.global_position) <= ($3::text::xid8, $4::bigint)
        and e.event_type = any($5::text[])
        ${partition ? `and ${partitionOfSql('e.stream_id', '$7::bigint')} = $8` : ''}`,
    limit: '$6',
  });
  const { rows } = partition ? await inGlobalOrder(db, sql, params) : await db.query<EventRow>(sql, params);
  const events = await toStoredEvents(rows, contracts);
  const last = events[events.length - 1];
  return { events, checkpoint: last ? checkpointOf(last) : after };
}

/**
 * Runs a partition's page query walking the global-order index. PostgreSQL cannot estimate the
 * partition filter (an expression of a parameter) and guesses it keeps a handful of rows, so it
 * prefers to collect the whole rest of the range and sort it for every page: a rebuild of a million
 * events then reads the log quadratically. Walking the index in order stops after one page.
 */
async function inGlobalOrder(db: pg.Pool | pg.PoolClient, sql: string, params: unknown[]): Promise<pg.QueryResult<EventRow>> {
  const hints = 'set local enable_seqscan = off; set local enable_bitmapscan = off; set local enable_sort = off';
  if ('release' in db) {
    // The caller's transaction: the hints hold for this query only, then go back to the defaults.
    await db.query(hints);
    try {
      return await db.query<EventRow>(sql, params);
    } finally {
      await db.query('set local enable_seqscan = default; set local enable_bitmapscan = default; set local enable_sort = default');
    }
  }
  const client = await db.connect();
  try {
    await client.query('begin');
    await client.query(hints);
    const result = await client.query<EventRow>(sql, params);
    await client.query('commit');
    client.release();
    return result;
  } catch (error) {
    const rolledBack = await client.query('rollback').then(
      () => true,
      () => false,
    );
    client.release(!rolledBack);
    throw error;
  }
}

/**
 * The last event every later commit will sort after: the newest event of a transaction older than
 * every transaction still in flight. Undefined when there is none yet.
 */
export async function gapSafeTip(db: pg.Pool | pg.PoolClient): Promise<Checkpoint | undefined> {
  const { rows } = await db.query<{ transaction_id: string; global_position: string }>(
    logPageSql({ select: 'e.transaction_id::text as transaction_id, e.global_position', where: 'e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())', limit: '1', descending: true }),
  );
  const row = rows[0];
  return row ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) } : undefined;
}

/** Events of these types in (after, upTo]: how much a build has to fold. */
export async function countRange(db: pg.Pool | pg.PoolClient, after: Checkpoint, upTo: Checkpoint, eventTypes: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `select count(*) as n from ${LOG_VIEW} e
      where (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
        and (e.transaction_id, e.global_position) <= ($3::text::xid8, $4::bigint)
        and e.event_type = any($5::text[])`,
    [after.transactionId, after.globalPosition, upTo.transactionId, upTo.globalPosition, [...eventTypes]],
  );
  return Number(rows[0]!.n);
}

/** The events of some types up to a checkpoint, counted by partition, type and stored schema version. */
export type LogSurvey = Array<{ partition: number; type: string; schemaVersion: number; events: number }>;

/**
 * One scan of the log up to `upTo` that both counts a build's events and tells how they fold: per
 * partition for progress, per stored schema version for whether a set-based fold may read them.
 */
export async function surveyRange(db: pg.Pool | pg.PoolClient, upTo: Checkpoint, eventTypes: readonly string[], partitions: number): Promise<LogSurvey> {
  const { rows } = await db.query<{ partition: string; event_type: string; schema_version: number; n: string }>(
    `select ${partitionOfSql('e.stream_id', '$4::bigint')} as partition, e.event_type, e.schema_version, count(*) as n from ${LOG_VIEW} e
      where (e.transaction_id, e.global_position) <= ($1::text::xid8, $2::bigint) and e.event_type = any($3::text[])
      group by 1, 2, 3 order by 2, 3, 1`,
    [upTo.transactionId, upTo.globalPosition, [...eventTypes], partitions],
  );
  return rows.map((row) => ({ partition: Number(row.partition), type: row.event_type, schemaVersion: row.schema_version, events: Number(row.n) }));
}

export const eventsInSurvey = (survey: LogSurvey): number => survey.reduce((sum, row) => sum + row.events, 0);
