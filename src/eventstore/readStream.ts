import type pg from 'pg';
import { LOG_VIEW } from './tables';
import type { ContractRegistry } from './contracts';
import { EVENT_COLUMNS, toStoredEvents, type EventRow } from './eventRows';
import type { StoredEvent } from './types';

export interface ReadStreamOptions {
  /** First version to read (default 1). */
  fromVersion?: number;
  /** Last version to read, inclusive (default: the end). */
  toVersion?: number;
}

/** A stream's events in version order; an unknown stream reads as empty. */
export async function readStream(
  db: pg.Pool | pg.PoolClient,
  contracts: ContractRegistry,
  streamId: string,
  { fromVersion = 1, toVersion }: ReadStreamOptions = {},
): Promise<StoredEvent[]> {
  const { rows } = await db.query<EventRow>(
    `select ${EVENT_COLUMNS} from ${LOG_VIEW}
      where stream_id = $1 and version >= $2 and ($3::bigint is null or version <= $3)
      order by version`,
    [streamId, fromVersion, toVersion ?? null],
  );
  return toStoredEvents(rows, contracts);
}
