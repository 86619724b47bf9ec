import { environmentLines, type Environment } from '../lib/environment';
import type { Measurement } from '../lib/measure';
import type { MixName } from './load';
import { median } from '../lib/stats';

export const SAGA_RESULTS_HEADING = '## Sagas (`npm run bench:saga`)';

export type SagaSubject = 'sagaflow' | 'bare';

export interface MixResult {
  mix: MixName;
  /** One measurement per round. */
  rounds: Record<SagaSubject, Measurement[]>;
}

export interface SagaReport {
  environment: Environment;
  temporal: string;
  sagas: number;
  concurrency: number;
  rounds: number;
  results: readonly MixResult[];
  notes: readonly string[];
}

/** Throughput over every round's sagas and time; latencies as the median of the rounds' percentiles. */
export function combine(rounds: readonly Measurement[]): { sagasPerSecond: number; p50Ms: number; p99Ms: number } {
  const calls = rounds.reduce((sum, m) => sum + m.calls, 0);
  const seconds = rounds.reduce((sum, m) => sum + m.seconds, 0);
  return { sagasPerSecond: calls / seconds, p50Ms: median(rounds.map((m) => m.p50Ms)), p99Ms: median(rounds.map((m) => m.p99Ms)) };
}

export function renderSagaTable(results: readonly MixResult[]): string {
  const header = ['mix', 'sagaflow sagas/s', 'sagaflow p50 / p99 ms', 'bare sagas/s', 'bare p50 / p99 ms', 'sagaflow / bare', 'rounds (sagaflow / bare)'];
  const lines = results.map(({ mix, rounds }) => {
    const ours = combine(rounds.sagaflow);
    const bare = combine(rounds.bare);
    const perRound = rounds.sagaflow.map((m, i) => `${m.eventsPerSecond.toFixed(1)}/${rounds.bare[i]?.eventsPerSecond.toFixed(1) ?? '–'}`).join(', ');
    return [
      mix,
      ours.sagasPerSecond.toFixed(1),
      `${Math.round(ours.p50Ms)} / ${Math.round(ours.p99Ms)}`,
      bare.sagasPerSecond.toFixed(1),
      `${Math.round(bare.p50Ms)} / ${Math.round(bare.p99Ms)}`,
      `${Math.round((ours.sagasPerSecond / bare.sagasPerSecond) * 100)}%`,
      perRound,
    ];
  });
  return [header, ['---', ...header.slice(1).map(() => '---:')], ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

export function renderSagaReport(report: SagaReport): string {
  const env = report.environment;
  return [
    SAGA_RESULTS_HEADING,
    '',
    ...environmentLines(env),
    `- ${report.temporal}`,
    `- command: \`${env.command}\``,
    `- ${report.sagas} sagas per subject, mix and round, ${report.concurrency} in flight, ${report.rounds} rounds per mix after a warm-up; one worker process (default Worker settings) serves both subjects; latency is from start to result as app code sees it`,
    '- sagaflow: OrderFulfillment started through the typed client (validation, search attributes, events appended in the step activities, step table, compensation lookups); bare: the same external calls with the same timeouts and retries in a hand-written workflow, no events and no toolkit',
    '',
    renderSagaTable(report.results),
    ...(report.notes.length > 0 ? ['', ...report.notes.map((note) => `- ${note}`)] : []),
    '',
  ].join('\n');
}
