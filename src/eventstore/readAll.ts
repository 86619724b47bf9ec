import type pg from 'pg';
import type { ContractRegistry } from './contracts';
import { EVENT_COLUMNS, toStoredEvents, type EventRow } from './eventRows';
import { checkpointOf, START, type Checkpoint, type StoredEvent } from './types';
import { logPageSql } from './logPages';

export interface ReadAllOptions {
  /** Read events after this checkpoint (default: from the beginning). */
  after?: Checkpoint;
  /** Page size (default 1000). */
  limit?: number;
  /** Only these event types. */
  eventTypes?: string[];
}

export interface ReadAllPage {
  events: StoredEvent[];
  /** Where the next page starts: the last event's checkpoint, or `after` when the page is empty. */
  checkpoint: Checkpoint;
}

/**
 * The log in global order, gap-safe: only events of transactions older than every transaction
 * still in flight are returned, so anything that commits later sorts after this page and a reader
 * resuming from `checkpoint` never skips an event.
 */
export async function readAll(
  db: pg.Pool | pg.PoolClient,
  contracts: ContractRegistry,
  { after = START, limit = 1000, eventTypes }: ReadAllOptions = {},
): Promise<ReadAllPage> {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`readAll: limit must be a whole number ≥ 1, got ${limit}`);
  const typeFilter = eventTypes && eventTypes.length > 0;
  const { rows } = await db.query<EventRow>({
    // Prepared once per connection: the two-table page costs more to plan than a page of one.
    name: typeFilter ? 'sagaflow_read_all_of_types' : 'sagaflow_read_all',
    // Qualified names: the output column transaction_id is text, and ordering by it would sort
    // instead of walking the (transaction_id, global_position) indexes.
    text: logPageSql({
      select: EVENT_COLUMNS,
      where: `(e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
        and e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ${typeFilter ? 'and e.event_type = any($4::text[])' : ''}`,
      limit: '$3',
    }),
    values: typeFilter ? [after.transactionId, after.globalPosition, limit, eventTypes] : [after.transactionId, after.globalPosition, limit],
  });
  const events = await toStoredEvents(rows, contracts);
  const last = events[events.length - 1];
  return { events, checkpoint: last ? checkpointOf(last) : after };
}
