import type pg from 'pg';
import { appendEvents, type AppendSettings } from './appendEvents';
import type { NewEvent } from './types';

export interface ImportEvent extends NewEvent {
  streamId: string;
}

export interface ImportOptions {
  /** Events per append call (default 1000). */
  batchSize?: number;
  /**
   * Append calls in flight at once (default 2). Each stream stays on one lane, so its events keep
   * their order; lanes use separate pool connections.
   */
  concurrency?: number;
  onProgress?: (imported: number) => void;
}

/**
 * Bulk-loads events (a migration from another system, a fixture) through the same append path as
 * everything else, so imported events are validated, hash-chained and idempotent: re-running an
 * import that stopped halfway skips what is already there. Consecutive events of a stream go in one
 * call, appended at the end of their stream.
 */
export async function importEvents(
  pool: pg.Pool,
  settings: AppendSettings,
  events: Iterable<ImportEvent>,
  { batchSize = 1000, concurrency = 2, onProgress }: ImportOptions = {},
): Promise<{ imported: number }> {
  for (const [name, value] of [['batchSize', batchSize], ['concurrency', concurrency]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`importEvents: ${name} must be a whole number ≥ 1, got ${value}`);
  }
  const quiet = { ...settings, notifier: undefined };
  const lanes: Array<Promise<void>> = Array.from({ length: concurrency }, () => Promise.resolve());
  let imported = 0;
  let failure: Error | undefined;

  const dispatch = async (streamId: string, batch: NewEvent[]) => {
    const lane = laneOf(streamId, concurrency);
    // Backpressure: wait for this lane's previous batch, so at most `concurrency` batches are held in memory.
    await lanes[lane];
    if (failure) throw failure;
    lanes[lane] = appendEvents(pool, quiet, streamId, batch, { expectedVersion: 'any' }).then(
      () => {
        imported += batch.length;
        onProgress?.(imported);
      },
      (error: unknown) => {
        failure ??= error instanceof Error ? error : new Error(String(error));
      },
    );
  };

  let batch: NewEvent[] = [];
  let batchStream: string | undefined;
  for (const { streamId, ...event } of events) {
    if (batchStream !== undefined && (streamId !== batchStream || batch.length >= batchSize)) {
      await dispatch(batchStream, batch);
      batch = [];
    }
    batchStream = streamId;
    batch.push(event);
  }
  if (batchStream !== undefined && batch.length > 0) await dispatch(batchStream, batch);
  await Promise.all(lanes);
  if (failure) throw failure;
  if (imported > 0) settings.notifier?.notify('');
  return { imported };
}

function laneOf(streamId: string, lanes: number): number {
  let hash = 0;
  for (let i = 0; i < streamId.length; i++) hash = (Math.imul(hash, 31) + streamId.charCodeAt(i)) | 0;
  return Math.abs(hash) % lanes;
}
