import type pg from 'pg';
import { EVENT_COLUMNS, type EventRow } from './eventRows';
import { ARCHIVE_TABLE } from './tables';
import { START, type Checkpoint } from './types';

/** An archived event as a line of the export: the row as stored, payload not upcast, hash in hex. */
export interface ArchivedEventLine {
  globalPosition: number;
  transactionId: string;
  eventId: string;
  streamId: string;
  streamType: string;
  version: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
  createdAt: string;
  hash: string;
}

const PAGE = 5_000;

/**
 * The archived events in the global order, a page at a time, as stored: an export keeps what the
 * hash chain covers, so a copy outside the database can be checked against it.
 */
export async function* readArchived(db: pg.Pool | pg.PoolClient, { streamType }: { streamType?: string } = {}): AsyncGenerator<ArchivedEventLine> {
  let after: Checkpoint = START;
  for (;;) {
    const { rows } = await db.query<EventRow>(
      `select ${EVENT_COLUMNS} from ${ARCHIVE_TABLE} e
        where (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint) and ($3::text is null or e.stream_type = $3)
        order by e.transaction_id, e.global_position limit ${PAGE}`,
      [after.transactionId, after.globalPosition, streamType ?? null],
    );
    for (const row of rows) {
      yield {
        globalPosition: Number(row.global_position),
        transactionId: row.transaction_id,
        eventId: row.event_id,
        streamId: row.stream_id,
        streamType: row.stream_type,
        version: Number(row.version),
        type: row.event_type,
        schemaVersion: row.schema_version,
        data: row.data,
        metadata: row.metadata,
        createdAt: row.created_at.toISOString(),
        hash: row.hash,
      };
    }
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = { transactionId: last.transaction_id, globalPosition: Number(last.global_position) };
  }
}
