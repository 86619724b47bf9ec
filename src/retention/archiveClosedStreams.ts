import type pg from 'pg';
import { archiveStreams, countClosedStreams, findClosedStreams, type ClosedStreams } from '../eventstore/archiveStreams';
import type { StreamTypeRetention } from './streamTypeRetention';

const DAY_MS = 86_400_000;
export const DEFAULT_ARCHIVE_BATCH_SIZE = 100;
/** Closed streams listed per search; the archive function checks each again when its batch comes. */
const FIND_STREAMS = 10_000;

export interface ArchiveRunOptions {
  /** Streams per batch: per transaction. */
  batchSize?: number;
  /** Overrides every archiving stream type's declared wait; stream types kept forever stay kept. */
  olderThanMs?: number;
  /** Only these stream types (each must archive). */
  streamTypes?: readonly string[];
  /** Count what would move; move nothing. */
  dryRun?: boolean;
  now?: Date;
  /** Checked before each batch: once aborted, the run ends after the batch in flight, the rest left for the next run. */
  signal?: AbortSignal;
  /** After each batch, with the events moved so far of the total found at the start. */
  onProgress?: (progress: { done: number; total: number }) => void;
}

export interface StreamTypeArchiveSummary {
  streamType: string;
  sagaType: string;
  /** Streams whose last event is a closing one recorded before this time were archived. */
  closedBefore: Date;
  streams: number;
  events: number;
  /** Streams found closed that an append reopened before their batch: left in the hot table. */
  reopened: number;
}

export interface ArchiveSummary {
  dryRun: boolean;
  streams: number;
  events: number;
  byStreamType: StreamTypeArchiveSummary[];
}

/**
 * Archives the closed streams of every stream type whose retention archives them, a batch of whole
 * streams per transaction. A run cut off (a crash, a lost connection) leaves every batch either moved
 * or not: the next run finds what is left and goes on, nothing lost or moved twice.
 */
export async function archiveClosedStreams(pool: pg.Pool, retention: readonly StreamTypeRetention[], options: ArchiveRunOptions = {}): Promise<ArchiveSummary> {
  const { batchSize = DEFAULT_ARCHIVE_BATCH_SIZE, olderThanMs, dryRun = false, now = new Date(), onProgress } = options;
  const chosen = retention.filter((r) => r.archiveAfterDays !== null && (!options.streamTypes || options.streamTypes.includes(r.streamType)));
  const plans = chosen.map((r) => ({
    retention: r,
    closed: { streamType: r.streamType, closingEventTypes: r.closingEventTypes, closedBefore: new Date(now.getTime() - (olderThanMs ?? r.archiveAfterDays! * DAY_MS)) } satisfies ClosedStreams,
  }));
  const counts = await Promise.all(plans.map((plan) => countClosedStreams(pool, plan.closed)));
  const total = counts.reduce((sum, count) => sum + count.events, 0);
  const byStreamType: StreamTypeArchiveSummary[] = [];
  for (const [index, { retention: r, closed }] of plans.entries()) {
    const summary: StreamTypeArchiveSummary = { streamType: r.streamType, sagaType: r.sagaType, closedBefore: closed.closedBefore, streams: 0, events: 0, reopened: 0 };
    byStreamType.push(summary);
    if (dryRun) {
      Object.assign(summary, counts[index]);
      continue;
    }
    let after: string | undefined;
    while (!options.signal?.aborted) {
      // Found many batches at a time: each search reads the closing events of the whole hot table.
      const found = await findClosedStreams(pool, closed, { ...(after !== undefined ? { after } : {}), limit: Math.max(batchSize, FIND_STREAMS) });
      if (found.length === 0) break;
      after = found[found.length - 1]!.streamId;
      for (let start = 0; start < found.length && !options.signal?.aborted; start += batchSize) {
        const batch = found.slice(start, start + batchSize).map((s) => s.streamId);
        for (const moved of await archiveStreams(pool, batch, closed)) {
          if (moved.outcome === 'archived') {
            summary.streams += 1;
            summary.events += moved.events;
          } else if (moved.outcome === 'open') summary.reopened += 1;
        }
        const done = byStreamType.reduce((sum, s) => sum + s.events, 0);
        onProgress?.({ done, total: Math.max(total, done) });
      }
    }
  }
  return {
    dryRun,
    streams: byStreamType.reduce((sum, s) => sum + s.streams, 0),
    events: byStreamType.reduce((sum, s) => sum + s.events, 0),
    byStreamType,
  };
}
