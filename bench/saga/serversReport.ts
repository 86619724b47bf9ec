import { environmentLines, type Environment } from '../lib/environment';
import type { Measurement } from '../lib/measure';
import { median } from '../lib/stats';
import { combine } from './report';

export const SERVERS_RESULTS_HEADING = '## Sagas by Temporal server (`npm run bench:saga -- --servers`)';

export type ServerKind = 'dev server' | 'cluster';

export interface ServerSubject {
  server: ServerKind;
  /** Saga worker processes on the subject's task queue. */
  workers: number;
}

/** CPU milliseconds per saga, by who spent them. */
export interface CpuPerSaga {
  server: number;
  postgres: number;
  workers: number;
}

export interface SubjectResult extends ServerSubject {
  rounds: Array<{ measurement: Measurement; cpu: CpuPerSaga }>;
}

export interface ServersReport {
  environment: Environment;
  sagas: number;
  concurrency: number;
  rounds: number;
  results: readonly SubjectResult[];
}

export function renderServersTable(results: readonly SubjectResult[]): string {
  const baseline = results.find((r) => r.server === 'dev server' && r.workers === 1) ?? results[0]!;
  const baselineRate = combine(baseline.rounds.map((r) => r.measurement)).sagasPerSecond;
  const header = ['Temporal server', 'saga workers', 'sagas/s', 'p50 / p99 ms', `vs ${baseline.server}, ${baseline.workers} worker`, 'server CPU ms/saga', 'PostgreSQL CPU ms/saga', 'workers CPU ms/saga', 'rounds (sagas/s)'];
  const lines = results.map(({ server, workers, rounds }) => {
    const combined = combine(rounds.map((r) => r.measurement));
    const cpu = (key: keyof CpuPerSaga) => Math.round(median(rounds.map((r) => r.cpu[key]))).toString();
    return [
      server,
      String(workers),
      combined.sagasPerSecond.toFixed(1),
      `${Math.round(combined.p50Ms)} / ${Math.round(combined.p99Ms)}`,
      `${(combined.sagasPerSecond / baselineRate).toFixed(2)}×`,
      cpu('server'),
      cpu('postgres'),
      cpu('workers'),
      rounds.map((r) => r.measurement.eventsPerSecond.toFixed(1)).join(', '),
    ];
  });
  return [header, ['---', ...header.slice(1).map(() => '---:')], ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

export function renderServersReport(report: ServersReport): string {
  const env = report.environment;
  return [
    SERVERS_RESULTS_HEADING,
    '',
    ...environmentLines(env),
    `- command: \`${env.command}\``,
    '- dev server: the Temporal CLI\'s dev server (SQLite file, one process); cluster: the cluster profile\'s Temporal server v1.29.1 on PostgreSQL persistence and visibility (its own embedded PostgreSQL with fsync on, 4 history shards as its config template sets); both up for the whole run',
    `- the order saga, all succeeding, ${report.sagas} per subject and round, ${report.concurrency} in flight, ${report.rounds} rounds after a warm-up, subjects rotating who goes first; each subject has its own task queue served by its own saga worker processes (workers/sagaWorker.ts, default Worker settings); sagaflow's events go to the PostgreSQL beside each server (the cluster's own, which also holds Temporal's stores; the dev server's bench one); latency is from start to result as app code sees it`,
    '- CPU: user + system time of the server process, of the PostgreSQL postmaster and its backends, and of the subject\'s worker processes, over each round, per saga (median of rounds)',
    '',
    renderServersTable(report.results),
    '',
  ].join('\n');
}
