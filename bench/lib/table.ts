import { environmentLines, type Environment } from './environment';
import type { CpuPerEvent } from './cpuMeter';
import type { Measurement } from './measure';
import { median } from './stats';
import type { SubjectName } from './subjects/subject';

export const RESULTS_HEADING = '## Event store (`npm run bench:eventstore`)';

/** One pass of a row over every subject, back to back. */
export interface RoundResult {
  bySubject: Partial<Record<SubjectName, Measurement>>;
  cpuBySubject: Partial<Record<SubjectName, CpuPerEvent>>;
}

export interface RowResult {
  label: string;
  rounds: readonly RoundResult[];
}

/** The subject's round with the median events/s (the lower of the two middle ones), or undefined if it never ran. */
function medianRound(row: RowResult, subject: SubjectName): RoundResult | undefined {
  const ran = row.rounds.filter((round) => round.bySubject[subject]);
  ran.sort((a, b) => a.bySubject[subject]!.eventsPerSecond - b.bySubject[subject]!.eventsPerSecond);
  return ran[Math.floor((ran.length - 1) / 2)];
}

/**
 * sagaflow over a peer, round by round: subjects of one round ran back to back on the same server
 * state, so the ratio of a round cancels what drifts between rounds. Median, and the range when there
 * are several rounds.
 */
function ratioCell(row: RowResult, over: SubjectName, format: (ratio: number) => string): string {
  const ratios = row.rounds.flatMap((round) => {
    const ours = round.bySubject.sagaflow;
    const theirs = round.bySubject[over];
    const ratio = ours && theirs ? ours.eventsPerSecond / theirs.eventsPerSecond : Number.NaN;
    // A row with nothing to measure (readAll of an empty log) has no ratio.
    return Number.isFinite(ratio) ? [ratio] : [];
  });
  if (ratios.length === 0) return '–';
  return ratios.length === 1 ? format(ratios[0]!) : `${format(median(ratios))} (${format(Math.min(...ratios))}–${format(Math.max(...ratios))})`;
}

export interface Report {
  environment: Environment;
  subjects: readonly SubjectName[];
  rounds: number;
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
      const m = medianRound(row, s)?.bySubject[s];
      return m ? [thousands.format(m.eventsPerSecond), `${ms(m.p50Ms)} / ${ms(m.p99Ms)}`] : ['–', '–'];
    });
    return [row.label, ...cells, ...ratios.map((r) => ratioCell(row, r.over, r.format))];
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
      const cpu = medianRound(row, s)?.cpuBySubject[s];
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
    ...(report.rounds > 1
      ? [`- ${report.rounds} rounds of every row, each on fresh streams, rotating which subject goes first: a subject's figures (and its CPU below) are from its median round; a ratio is the median of the rounds' ratios, with their range in brackets`]
      : []),
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
