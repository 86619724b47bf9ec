import type pg from 'pg';
import { SagaflowError } from '../errors';
import { SAGA_OUTCOMES, type SagaOutcome } from '../saga/types';

/** The saga_runs table readers query is not there: the database has no saga_outcomes of v3 or later active. */
export class SagaRunsMissingError extends SagaflowError {
  override name = 'SagaRunsMissingError';
  constructor() {
    super(
      'the saga_runs read model is not in this database: saga_outcomes v3 is not active yet (its workers build it beside the older version); ' +
        'run `sagaflow projections rebuild saga_outcomes` to build it and move readers to it',
    );
  }
}

/** PostgreSQL's undefined_table: a view the readers expect is not there. */
const missingRelation = (error: unknown): never => {
  if ((error as { code?: string }).code === '42P01') throw new SagaRunsMissingError();
  throw error;
};

export interface DurationSummary {
  sagas: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The figures of one saga type, read from saga_runs. */
export interface SagaTypeStats {
  sagaType: string;
  /** Runs whose first event is recorded. */
  started: number;
  /** Not ended and not parked. */
  running: number;
  /** Waiting for an operator now: a compensation out of retries. */
  parked: number;
  /** Running longer than `stuckAfterMs`. */
  stuck: number;
  stuckAfterMs: number;
  ended: Record<SagaOutcome, number>;
  /** Compensations that ran out of retries, and resolutions by an operator, counted per occurrence. */
  parkings: number;
  resolutions: number;
  /** Share of ended runs that did not complete; null when none ended. */
  compensationRate: number | null;
  /** From first to last event, by outcome (outcomes with no run left out). */
  durations: Partial<Record<SagaOutcome, DurationSummary>>;
  /** The step whose failure made a run compensate, with how many runs. */
  stepFailures: Array<{ step: string; sagas: number }>;
  /** Compensations that recorded an event, by the step they undid. */
  compensations: Array<{ step: string; count: number }>;
}

export interface SagaStatsOptions {
  /** Every saga type of the deployment: each gets its figures, zeros included. */
  sagaTypes: readonly string[];
  /** A run still going after this long counts as stuck. */
  stuckAfterOf: (sagaType: string) => number;
  /** Only this saga type. */
  sagaType?: string;
  /** Only runs started at or after this time. */
  since?: Date;
}

const RUNS = 'saga_runs';

/** How long a saga may run before it counts as stuck, unless configuration says otherwise (SAGAFLOW_SAGA_STUCK_AFTER). */
export const DEFAULT_STUCK_AFTER_MS = 15 * 60_000;

/** Each saga type's stuck deadline: configured for it, else configured for all, else DEFAULT_STUCK_AFTER_MS. */
export function stuckAfterResolver({ allMs, byType = {} }: { allMs?: number; byType?: Readonly<Record<string, number>> } = {}): (sagaType: string) => number {
  return (sagaType) => byType[sagaType] ?? allMs ?? DEFAULT_STUCK_AFTER_MS;
}

/**
 * Saga figures from the saga_runs read model: what `sagaflow sagas stats`, the saga metrics and the
 * demo's summary print. Computed from rows, so they are the log's truth as far as the projection
 * has applied it, and survive restarts and rebuilds. Times are the database's (event times and now()).
 */
export async function sagaStats(pool: pg.Pool, { sagaTypes, stuckAfterOf, sagaType, since }: SagaStatsOptions): Promise<SagaTypeStats[]> {
  const types = sagaType === undefined ? [...sagaTypes] : [sagaType];
  const deadlines = types.map(stuckAfterOf);
  // $1 the saga types, $2 their stuck deadlines (ms), $3 the earliest start or null.
  const runs = `select r.*, d.stuck_after_ms, extract(epoch from r.finished_at - r.started_at) * 1000 as duration_ms
                  from ${RUNS} r join unnest($1::text[], $2::float8[]) d (saga_type, stuck_after_ms) using (saga_type)
                 where $3::timestamptz is null or coalesce(r.started_at, r.last_event_at) >= $3`;
  const params = [types, deadlines, since ?? null];
  const [counts, durations, failures, compensations] = await Promise.all([
    pool.query<{ saga_type: string; started: number; running: number; parked: number; stuck: number; parkings: number; resolutions: number } & Record<SagaOutcome, number>>(
      `select saga_type,
              count(*)::int as started,
              (count(*) filter (where outcome is null and not parked))::int as running,
              (count(*) filter (where parked))::int as parked,
              (count(*) filter (where outcome is null and not parked and started_at < now() - stuck_after_ms * interval '1 millisecond'))::int as stuck,
              ${SAGA_OUTCOMES.map((outcome) => `(count(*) filter (where outcome = '${outcome}'))::int as "${outcome}"`).join(', ')},
              coalesce(sum(parked_count), 0)::int as parkings,
              coalesce(sum(resolved_count), 0)::int as resolutions
         from (${runs}) runs group by saga_type`,
      params,
    ),
    pool.query<{ saga_type: string; outcome: SagaOutcome; sagas: number; p: number[]; max_ms: number }>(
      `select saga_type, outcome, count(*)::int as sagas, percentile_cont(array[0.5, 0.95, 0.99]) within group (order by duration_ms) as p, max(duration_ms)::float8 as max_ms
         from (${runs}) runs where outcome is not null and duration_ms is not null group by saga_type, outcome`,
      params,
    ),
    pool.query<{ saga_type: string; step: string; sagas: number }>(
      `select saga_type, failed_step as step, count(*)::int as sagas from (${runs}) runs where failed_step is not null group by 1, 2 order by 3 desc, 2`,
      params,
    ),
    pool.query<{ saga_type: string; step: string; count: number }>(
      `select saga_type, step, count(*)::int as count from (${runs}) runs, unnest(compensated_steps) step group by 1, 2 order by 3 desc, 2`,
      params,
    ),
  ]).catch(missingRelation);
  return types.map((type, index) => {
    const row = counts.rows.find((r) => r.saga_type === type);
    const ended = Object.fromEntries(SAGA_OUTCOMES.map((outcome) => [outcome, row?.[outcome] ?? 0])) as Record<SagaOutcome, number>;
    const endedCount = SAGA_OUTCOMES.reduce((sum, outcome) => sum + ended[outcome], 0);
    return {
      sagaType: type,
      started: row?.started ?? 0,
      running: row?.running ?? 0,
      parked: row?.parked ?? 0,
      stuck: row?.stuck ?? 0,
      stuckAfterMs: deadlines[index]!,
      ended,
      parkings: row?.parkings ?? 0,
      resolutions: row?.resolutions ?? 0,
      compensationRate: endedCount === 0 ? null : (endedCount - ended.COMPLETED) / endedCount,
      durations: Object.fromEntries(
        durations.rows
          .filter((d) => d.saga_type === type)
          .map((d) => [d.outcome, { sagas: d.sagas, p50Ms: d.p[0]!, p95Ms: d.p[1]!, p99Ms: d.p[2]!, maxMs: d.max_ms }]),
      ),
      stepFailures: failures.rows.filter((f) => f.saga_type === type).map(({ step, sagas }) => ({ step, sagas })),
      compensations: compensations.rows.filter((c) => c.saga_type === type).map(({ step, count }) => ({ step, count })),
    };
  });
}

/** Runs per bucket of duration (cumulative, Prometheus style: runs at most `le` seconds long), by saga type and outcome. */
export interface DurationHistogram {
  sagaType: string;
  outcome: SagaOutcome;
  /** Cumulative counts, one per bucket bound. */
  buckets: number[];
  count: number;
  sumSeconds: number;
}

/** Ended runs' durations in cumulative buckets: what a Prometheus histogram of saga durations exports. */
export async function sagaDurationHistogram(pool: pg.Pool, boundsSeconds: readonly number[]): Promise<DurationHistogram[]> {
  const bounds = boundsSeconds.map((bound) => {
    if (!Number.isFinite(bound)) throw new RangeError(`a bucket bound must be a finite number of seconds, not ${bound}`);
    return `count(*) filter (where seconds <= ${bound})`;
  });
  const { rows } = await pool.query<{ saga_type: string; outcome: SagaOutcome; buckets: number[]; count: number; sum: number }>(
    `select saga_type, outcome, array[${bounds.join(', ')}]::int[] as buckets, count(*)::int as count, coalesce(sum(seconds), 0)::float8 as sum
       from (select saga_type, outcome, extract(epoch from finished_at - started_at)::float8 as seconds
               from ${RUNS} where outcome is not null and started_at is not null) ended
      group by saga_type, outcome`,
  ).catch(missingRelation);
  return rows.map((row) => ({ sagaType: row.saga_type, outcome: row.outcome, buckets: row.buckets, count: row.count, sumSeconds: row.sum }));
}
