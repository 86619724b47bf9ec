import { formatDuration } from '../projections/logBlocker';
import type { SagaTypeStats } from '../read-models/sagaStats';
import { SAGA_OUTCOMES } from '../saga/types';
import { formatTable } from './output';

const ms = (value: number) => (value < 1_000 ? `${Math.round(value)} ms` : value < 60_000 ? `${(value / 1000).toFixed(1)} s` : formatDuration(value));
const percent = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);

/** `sagaflow sagas stats` for people: counts per saga type, then durations, failed steps and compensations. */
export function renderSagaStats(stats: readonly SagaTypeStats[], { since }: { since?: Date } = {}): string {
  const scope = since ? `sagas started since ${since.toISOString()}` : 'all sagas';
  const counts = formatTable(
    ['saga type', 'started', 'running', 'parked', 'stuck', ...SAGA_OUTCOMES.map((o) => o.toLowerCase()), 'compensation rate', 'parked/resolved (times)', 'stuck after'],
    stats.map((s) => [
      s.sagaType,
      String(s.started),
      String(s.running),
      String(s.parked),
      String(s.stuck),
      ...SAGA_OUTCOMES.map((o) => String(s.ended[o])),
      percent(s.compensationRate),
      `${s.parkings}/${s.resolutions}`,
      ms(s.stuckAfterMs),
    ]),
  );
  const durations = stats.flatMap((s) =>
    SAGA_OUTCOMES.flatMap((outcome) => {
      const d = s.durations[outcome];
      return d ? [[s.sagaType, outcome, String(d.sagas), ms(d.p50Ms), ms(d.p95Ms), ms(d.p99Ms), ms(d.maxMs)]] : [];
    }),
  );
  const failures = stats.flatMap((s) => s.stepFailures.map((f) => [s.sagaType, f.step, String(f.sagas)]));
  const compensations = stats.flatMap((s) => s.compensations.map((c) => [s.sagaType, c.step, String(c.count)]));
  return [
    `Sagas (${scope}), from the saga_runs read model\n${counts}`,
    `Duration, first to last event\n${durations.length ? formatTable(['saga type', 'outcome', 'sagas', 'p50', 'p95', 'p99', 'max'], durations) : 'none ended\n'}`,
    `Compensated because this step failed\n${failures.length ? formatTable(['saga type', 'failed step', 'sagas'], failures) : 'none\n'}`,
    `Compensations, by the step they undid\n${compensations.length ? formatTable(['saga type', 'undid step', 'compensations'], compensations) : 'none\n'}`,
  ].join('\n');
}
