import { environmentLines, type Environment } from './environment';
import type { CpuPerEvent } from './cpuMeter';
import type { Measurement } from './measure';
import type { SubjectName } from './subjects/subject';

export const RESULTS_HEADING = '## Event store (`npm run bench:eventstore`)';

export interface RowResult {
  label: string;
  bySubject: Partial<Record<SubjectName, Measurement>>;
  cpuBySubject: Partial<Record<SubjectName, CpuPerEvent>>;
}

export interface Report {
  environment: Environment;
  subjects: readonly SubjectName[];
  payload: { data: number; metadata: number };
  rows: readonly RowResult[];
  notes: readonly string[];
}

const thousands = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function ms(value: number): string {
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

/** sagaflow against a peer reads best as a multiple, against the ceiling as a share of it. */
const RATIOS = [
  { over: 'emmett', format: (ratio: number) => `${ratio.toFixed(2)}x` },
  { over: 'raw', format: (ratio: number) => `${Math.round(ratio * 100)}%` },
  { over: 'unguarded', format: (ratio: number) => `${Math.round(ratio * 100)}%` },
  { over: 'unkeyed', format: (ratio: number) => `${Math.round(ratio * 100)}%` },
  { over: 'unqueued', format: (ratio: number) => `${Math.round(ratio * 100)}%` },
  // Plain over encrypted: how many times faster the same store is with personal fields left in plain.
  { over: 'encrypted', format: (ratio: number) => `${ratio.toFixed(2)}x` },
] as const satisfies ReadonlyArray<{ over: SubjectName; format: (ratio: number) => string }>;

export function renderTable(subjects: readonly SubjectName[], rows: readonly RowResult[]): string {
  const ratios = subjects.includes('sagaflow') ? RATIOS.filter((r) => subjects.includes(r.over)) : [];
  const header = ['row', ...subjects.flatMap((s) => [`${s} events/s`, `${s} p50 / p99 ms`]), ...ratios.map((r) => `sagaflow / ${r.over}`)];
  const align = ['---', ...header.slice(1).map(() => '---:')];
  const lines = rows.map((row) => {
    const cells = subjects.flatMap((s) => {
      const m = row.bySubject[s];
      return m ? [thousands.format(m.eventsPerSecond), `${ms(m.p50Ms)} / ${ms(m.p99Ms)}`] : ['–', '–'];
    });
    const ours = row.bySubject.sagaflow;
    const ratioCells = ratios.map((r) => {
      const theirs = row.bySubject[r.over];
      return ours && theirs ? r.format(ours.eventsPerSecond / theirs.eventsPerSecond) : '–';
    });
    return [row.label, ...cells, ...ratioCells];
  });
  return markdownTable([header, align, ...lines]);
}

function markdownTable(rows: ReadonlyArray<readonly string[]>): string {
  return rows.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function us(value: number): string {
  return Number.isNaN(value) ? '?' : value < 10 ? value.toFixed(1) : thousands.format(value);
}

/** CPU µs per event, client / server, per subject and row: where each subject's time goes. */
export function renderCpuTable(subjects: readonly SubjectName[], rows: readonly RowResult[]): string {
  const header = ['row', ...subjects.map((s) => `${s} client / server µs`)];
  const align = ['---', ...subjects.map(() => '---:')];
  const lines = rows.map((row) => [
    row.label,
    ...subjects.map((s) => {
      const cpu = row.cpuBySubject[s];
      return cpu ? `${us(cpu.clientUs)} / ${us(cpu.serverUs)}` : '–';
    }),
  ]);
  return markdownTable([header, align, ...lines]);
}

export function renderReport(report: Report): string {
  const { environment: env } = report;
  return [
    RESULTS_HEADING,
    '',
    ...environmentLines(env),
    `- command: \`${env.command}\``,
    `- payload: data ${report.payload.data} B, metadata ${report.payload.metadata} B of JSON per event on average (byte-identical for every subject)`,
    '- each subject writes to its own fresh database on that server; rows run the subjects in turn; events/s over the measured calls after a warm-up, p50 / p99 per call (a call is one append, one imported stream or one page)',
    '',
    renderTable(report.subjects, report.rows),
    ...(report.notes.length > 0 ? ['', ...report.notes.map((note) => `- ${note}`)] : []),
    '',
    'CPU per event over the same measured calls, in microseconds: this process (the store\'s client code, the driver, the harness) / the PostgreSQL server (all of its processes, from /proc). Both sides share the machine\'s cores, so a subject\'s events/s is bounded by the sum.',
    '',
    renderCpuTable(report.subjects, report.rows),
    '',
  ].join('\n');
}
