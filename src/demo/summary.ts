import type pg from 'pg';
import { renderSagaStats } from '../cli/sagaStatsText';
import { formatTable } from '../cli/output';
import { projectionStatus, type ProjectionStatus } from '../projections';
import { sagaStats, type SagaTypeStats } from '../read-models/sagaStats';

export interface DemoSummary {
  /** The demo's saga type's figures, over the runs started since `since`. */
  sagas: SagaTypeStats;
  since: Date;
  projections: ProjectionStatus[];
}

/**
 * Waits until the saga_runs read model shows every one of these run streams ended or parked, so the
 * summary is read from the projections and not from what the demo itself saw. Rejects, naming how
 * many are missing, rather than report a partial picture.
 */
export async function waitForSettledRuns(pool: pg.Pool, streamIds: readonly string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ settled: number }>(
      'select count(*)::int as settled from saga_runs where stream_id = any($1) and (outcome is not null or parked)',
      [streamIds],
    );
    const settled = rows[0]!.settled;
    if (settled === streamIds.length) return;
    if (Date.now() > deadline) {
      throw new Error(`saga_runs shows ${settled} of ${streamIds.length} demo runs settled after ${timeoutMs / 1000} s: is the projection worker running? (npx sagaflow projections status)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The demo's figures: the same `sagaflow sagas stats --type <sagaType> --since <start>` prints, and the projections' state. */
export async function readDemoSummary(pool: pg.Pool, { sagaType, since, stuckAfterOf }: { sagaType: string; since: Date; stuckAfterOf: (sagaType: string) => number }): Promise<DemoSummary> {
  const [sagas] = await sagaStats(pool, { sagaTypes: [sagaType], sagaType, since, stuckAfterOf });
  return { sagas: sagas!, since, projections: (await projectionStatus(pool)).filter((p) => p.active) };
}

export function renderDemoSummary(summary: DemoSummary): string {
  const projections = formatTable(
    ['projection', 'status', 'lag events', 'lag ms', 'events/s'],
    summary.projections.map((p) => [`${p.name} v${p.version}`, p.status, String(p.lagEvents), String(Math.round(p.lagMs)), p.eventsPerSecond.toFixed(1)]),
  );
  return `${renderSagaStats([summary.sagas], { since: summary.since })}\nProjections\n${projections}`;
}

/** Each ended run's duration, first to last event, with its outcome: the left half of the demo's picture. */
export async function runDurations(pool: pg.Pool, streamIds: readonly string[]): Promise<Array<{ outcome: string; ms: number }>> {
  const { rows } = await pool.query<{ outcome: string; ms: number }>(
    `select outcome, extract(epoch from finished_at - started_at)::float8 * 1000 as ms
       from saga_runs where stream_id = any($1) and outcome is not null and started_at is not null`,
    [streamIds],
  );
  return rows;
}
