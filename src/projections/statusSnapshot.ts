import type pg from 'pg';
import { projectionStatus, type ProjectionStatus } from './projectionStatus';

/** The projections' status as one read saw it; `ok: false` when PostgreSQL did not answer. */
export interface StatusReading {
  ok: boolean;
  rows: ProjectionStatus[];
  /** Why the read failed, when it did. */
  error?: string;
}

/**
 * One status query however many readers ask at once (every gauge of a scrape, a health check beside
 * it): callers within `reuseMs` of a query share it. A failed query is a reading too, so the metrics
 * and the health check say PostgreSQL did not answer instead of failing themselves.
 */
export function sharedStatusSnapshot(pool: pg.Pool, reuseMs = 1_000): () => Promise<StatusReading> {
  let cached: { at: number; result: Promise<StatusReading> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > reuseMs) {
      cached = {
        at: Date.now(),
        result: projectionStatus(pool).then(
          (rows) => ({ ok: true, rows }),
          (error: Error) => ({ ok: false, rows: [], error: error.message }),
        ),
      };
    }
    return cached.result;
  };
}
