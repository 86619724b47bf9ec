import type pg from 'pg';
import { archiveClosedStreams, type ArchiveSummary } from './archiveClosedStreams';
import type { StreamTypeRetention } from './streamTypeRetention';

/** The session lock the scheduled runs of every projection worker share: one archives, the others skip their turn. */
const ARCHIVE_LOCK_SQL = "hashtextextended('sagaflow_archive_schedule', 0)";

export interface ArchiveScheduleOptions {
  pool: pg.Pool;
  retention: readonly StreamTypeRetention[];
  /** Between the end of one run and the start of the next; the first run starts at once. */
  everyMs: number;
  batchSize: number;
  log: (line: string) => void;
}

export interface ArchiveSchedule {
  /** Resolves after the run in flight has finished its batch. */
  stop(): Promise<void>;
}

/**
 * Archives closed streams on a timer (the projection worker's SAGAFLOW_ARCHIVE_EVERY). Of several
 * workers, the one holding the advisory lock archives; a run that fails (PostgreSQL restarting, a
 * lost connection) is logged and the next one, on a fresh connection, goes on where it stopped:
 * every batch committed or not at all.
 */
export function startArchiveSchedule({ pool, retention, everyMs, batchSize, log }: ArchiveScheduleOptions): ArchiveSchedule {
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const runOnce = async (): Promise<void> => {
    let client: pg.PoolClient | undefined;
    let broken = false;
    try {
      client = await pool.connect();
      const { rows } = await client.query<{ locked: boolean }>(`select pg_try_advisory_lock(${ARCHIVE_LOCK_SQL}) as locked`);
      if (!rows[0]!.locked) return;
      try {
        const summary = await archiveClosedStreams(pool, retention, { batchSize, signal: stopping.signal });
        if (summary.streams > 0 || summary.byStreamType.some((s) => s.reopened > 0)) log(describe(summary));
      } finally {
        await client.query(`select pg_advisory_unlock(${ARCHIVE_LOCK_SQL})`);
      }
    } catch (error) {
      // The session may be gone with its lock; a new one is taken next time.
      broken = true;
      log(`archive run failed, next in ${Math.round(everyMs / 1000)} s: ${(error as Error).message}`);
    } finally {
      client?.release(broken);
    }
  };

  const schedule = (delay: number) => {
    timer = setTimeout(() => {
      running = runOnce().then(() => {
        if (!stopping.signal.aborted) schedule(everyMs);
      });
    }, delay);
  };
  schedule(0);

  return {
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}

function describe(summary: ArchiveSummary): string {
  const parts = summary.byStreamType.filter((s) => s.streams > 0 || s.reopened > 0).map((s) => `${s.streamType} ${s.streams} stream(s), ${s.events} event(s)`);
  return `archived closed streams: ${parts.join('; ')}`;
}
