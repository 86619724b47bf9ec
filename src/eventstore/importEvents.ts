import { appendEvents, type AppendSettings } from './appendEvents';
import type pg from 'pg';
import type { NewEvent } from './types';

export interface ImportEvent extends NewEvent {
  streamId: string;
}

export interface ImportOptions {
  /** Events per append call (default 1000). */
  batchSize?: number;
  onProgress?: (imported: number) => void;
}

/**
 * Bulk-loads events (a migration from another system, a fixture) through the same append path as
 * everything else, so imported events are validated, hash-chained and idempotent: re-running an
 * import that stopped halfway skips what is already there. Consecutive events of a stream go in one
 * call; they are appended at the end of their streams.
 */
export async function importEvents(
  pool: pg.Pool,
  settings: AppendSettings,
  events: Iterable<ImportEvent>,
  { batchSize = 1000, onProgress }: ImportOptions = {},
): Promise<{ imported: number }> {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error(`importEvents: batchSize must be a whole number ≥ 1, got ${batchSize}`);
  let imported = 0;
  let batch: NewEvent[] = [];
  let batchStream: string | undefined;
  const flush = async () => {
    if (!batchStream || batch.length === 0) return;
    await appendEvents(pool, { ...settings, notify: false }, batchStream, batch, { expectedVersion: 'any' });
    imported += batch.length;
    onProgress?.(imported);
    batch = [];
  };
  for (const { streamId, ...event } of events) {
    if (streamId !== batchStream || batch.length >= batchSize) {
      await flush();
      batchStream = streamId;
    }
    batch.push(event);
  }
  await flush();
  if (settings.notify && imported > 0) await pool.query(`select pg_notify('sagaflow_events', '')`);
  return { imported };
}
