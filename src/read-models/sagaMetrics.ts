import type { Metric, Registry } from 'prom-client';
import type pg from 'pg';
import { SAGA_OUTCOMES } from '../saga/types';
import { sagaDurationHistogram, sagaStats, type DurationHistogram, type SagaStatsOptions, type SagaTypeStats } from './sagaStats';

/** Upper bounds of the saga duration histogram, in seconds: from a fast saga to one waiting on long retries. */
export const SAGA_DURATION_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] as const;

interface Reading {
  ok: boolean;
  stats: SagaTypeStats[];
  histogram: DurationHistogram[];
}

/** The Prometheus types these metrics come in (prom-client's MetricType is an enum of the same words). */
type Kind = 'counter' | 'gauge' | 'histogram';

type Sample = { labels?: Record<string, string>; value: number; metricName?: string };

/**
 * Saga metrics for every saga type, in Prometheus format, derived at scrape time from the saga_runs
 * read model (`sagaStats`): they survive restarts, can be rebuilt and verified like any read model,
 * and every worker that serves them reports the same values (aggregate with max, not sum). The
 * `_total` series are counters because the log only grows; a projection rebuild starts them again
 * from what the log holds, which Prometheus treats as a counter reset.
 */
export function registerSagaMetrics(registry: Registry, pool: pg.Pool, options: Pick<SagaStatsOptions, 'sagaTypes' | 'stuckAfterOf'>): void {
  const read = sharedReading(async () => {
    const [stats, histogram] = await Promise.all([sagaStats(pool, options), sagaDurationHistogram(pool, SAGA_DURATION_BUCKETS)]);
    return { stats, histogram };
  });
  const perType = (name: string, type: Kind, help: string, value: (s: SagaTypeStats) => number) =>
    derived(registry, name, type, help, async () => (await read()).stats.map((s) => ({ labels: { saga_type: s.sagaType }, value: value(s) })));

  perType('sagaflow_sagas_started_total', 'counter', 'Saga runs started (their first event recorded), by saga type', (s) => s.started);
  derived(registry, 'sagaflow_sagas_ended_total', 'counter', 'Saga runs ended, by saga type and outcome (COMPLETED, COMPENSATED, COMPENSATION_FAILED)', async () =>
    (await read()).stats.flatMap((s) => SAGA_OUTCOMES.map((outcome) => ({ labels: { saga_type: s.sagaType, outcome }, value: s.ended[outcome] }))),
  );
  perType('sagaflow_sagas_parked_total', 'counter', 'Compensations that ran out of retries and parked their saga for an operator, by saga type', (s) => s.parkings);
  perType('sagaflow_sagas_resolved_total', 'counter', 'Parked compensations an operator resolved by hand, by saga type', (s) => s.resolutions);
  derived(registry, 'sagaflow_saga_step_failures_total', 'counter', 'Runs that compensated because this step failed, by saga type and step', async () =>
    (await read()).stats.flatMap((s) => s.stepFailures.map((f) => ({ labels: { saga_type: s.sagaType, step: f.step }, value: f.sagas }))),
  );
  derived(registry, 'sagaflow_saga_compensations_total', 'counter', 'Compensations that recorded an event, by saga type and the step they undid', async () =>
    (await read()).stats.flatMap((s) => s.compensations.map((c) => ({ labels: { saga_type: s.sagaType, step: c.step }, value: c.count }))),
  );
  perType('sagaflow_sagas_running', 'gauge', 'Saga runs going now (neither ended nor parked), by saga type', (s) => s.running);
  perType('sagaflow_sagas_parked', 'gauge', 'Saga runs parked now, waiting for an operator (sagaflow sagas resolve|retry), by saga type', (s) => s.parked);
  perType('sagaflow_sagas_stuck', 'gauge', 'Saga runs going for longer than their type’s deadline (SAGAFLOW_SAGA_STUCK_AFTER), by saga type', (s) => s.stuck);
  perType('sagaflow_saga_stuck_after_seconds', 'gauge', 'How long a run may go before it counts as stuck, by saga type', (s) => s.stuckAfterMs / 1000);
  derived(registry, 'sagaflow_saga_duration_seconds', 'histogram', 'Saga runs from their first to their last event, by saga type and outcome', async () =>
    (await read()).histogram.flatMap(histogramSamples('sagaflow_saga_duration_seconds')),
  );
  derived(registry, 'sagaflow_saga_metrics_up', 'gauge', '1 when the last saga query succeeded; 0 means the saga series are empty because PostgreSQL did not answer', async () => [
    { value: (await read()).ok ? 1 : 0 },
  ]);
}

function histogramSamples(name: string) {
  return ({ sagaType, outcome, buckets, count, sumSeconds }: DurationHistogram): Sample[] => {
    const labels = { saga_type: sagaType, outcome };
    return [
      ...SAGA_DURATION_BUCKETS.map((bound, index) => ({ metricName: `${name}_bucket`, labels: { ...labels, le: String(bound) }, value: buckets[index]! })),
      { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count },
      { metricName: `${name}_sum`, labels, value: sumSeconds },
      { metricName: `${name}_count`, labels, value: count },
    ];
  };
}

/**
 * A metric whose samples a query gives at scrape time. prom-client's own classes keep values in the
 * process; these are the database's, so the registry is handed an object that reads them when asked.
 */
function derived(registry: Registry, name: string, type: Kind, help: string, samples: () => Promise<Sample[]>): void {
  const metric = {
    name,
    help,
    type,
    aggregator: 'max' as const,
    async get() {
      return { name, help, type, aggregator: 'max' as const, values: await samples() };
    },
    reset() {},
  };
  registry.registerMetric(metric as unknown as Metric);
}

/** One pair of queries per scrape, however many metrics ask; a failed query reads as empty with ok 0. */
function sharedReading(query: () => Promise<Omit<Reading, 'ok'>>, reuseMs = 1_000): () => Promise<Reading> {
  let cached: { at: number; result: Promise<Reading> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > reuseMs) {
      cached = {
        at: Date.now(),
        result: query().then(
          (reading) => ({ ok: true, ...reading }),
          () => ({ ok: false, stats: [], histogram: [] }),
        ),
      };
    }
    return cached.result;
  };
}
