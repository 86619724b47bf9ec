import { parseFlags, UsageError } from './flags';
import { ROWS } from './rows';
import { SUBJECT_NAMES, type SubjectName } from './subjects/subject';

export interface BenchArgs {
  subjects: SubjectName[];
  /** Multiplies every row's call count (warm-ups excepted). */
  scale: number;
  /** Runs every row this many times, rotating which subject goes first; the table reports the median. */
  rounds: number;
  /** Indexes into ROWS of the rows to run, in order. */
  rows: number[];
  writeResults: boolean;
}

export const USAGE = `usage: npm run bench:eventstore -- [--subjects ${SUBJECT_NAMES.join(',')}] [--scale 1] [--rounds 1] [--rows 1-${ROWS.length}] [--write-results]

  --subjects       comma-separated subjects to run, in this order (default: all)
  --scale          multiplies every row's call count; 0.2 for a quick run (default 1)
  --rounds         runs every row this many times with fresh streams, rotating which subject goes
                   first; each subject's median round is reported, and each ratio as the median of
                   the rounds' ratios with its range (default 1)
  --rows           comma-separated row numbers to run, as the progress lines number them, e.g. 7,10
                   (default: all; the readAll row reads what the rows run before it wrote)
  --write-results  also write the report into bench/RESULTS.md, replacing the previous one`;

export { UsageError } from './flags';

export function parseArgs(argv: readonly string[]): BenchArgs | 'help' {
  const args = parseFlags<BenchArgs>(argv, { subjects: [...SUBJECT_NAMES], scale: 1, rounds: 1, rows: ROWS.map((_, i) => i), writeResults: false }, {
    '--subjects': { key: 'subjects', kind: 'value', parse: parseSubjects },
    '--scale': { key: 'scale', kind: 'value', parse: parseScale },
    '--rounds': { key: 'rounds', kind: 'count', min: 1, max: 100 },
    '--rows': { key: 'rows', kind: 'value', parse: parseRows },
    '--write-results': { key: 'writeResults', kind: 'switch' },
  });
  // RESULTS.md holds whole runs: a table of some rows would read as the store's figures.
  if (args !== 'help' && args.writeResults && args.rows.length < ROWS.length) throw new UsageError('--write-results records whole runs: drop --rows');
  return args;
}

function parseSubjects(raw: string): SubjectName[] {
  const names = raw.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(SUBJECT_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) throw new UsageError(`--subjects takes a list from ${SUBJECT_NAMES.join(', ')}; got ${names.join(',') || 'nothing'}`);
  return [...new Set(names)] as SubjectName[];
}

function parseScale(raw: string): number {
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) throw new UsageError(`--scale must be a positive number, got ${raw}`);
  return scale;
}

function parseRows(raw: string): number[] {
  const parts = raw.split(',').map((part) => part.trim()).filter(Boolean);
  const numbers = parts.map(Number);
  if (parts.length === 0 || numbers.some((n) => !Number.isInteger(n) || n < 1 || n > ROWS.length)) {
    throw new UsageError(`--rows takes row numbers from 1 to ${ROWS.length}, comma-separated; got ${raw}`);
  }
  return [...new Set(numbers)].sort((a, b) => a - b).map((n) => n - 1);
}
