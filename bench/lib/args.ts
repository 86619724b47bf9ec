import { parseFlags, UsageError } from './flags';
import { SUBJECT_NAMES, type SubjectName } from './subjects/subject';

export interface BenchArgs {
  subjects: SubjectName[];
  /** Multiplies every row's call count (warm-ups excepted). */
  scale: number;
  /** Runs every row this many times, rotating which subject goes first; the table reports the median. */
  rounds: number;
  writeResults: boolean;
}

export const USAGE = `usage: npm run bench:eventstore -- [--subjects ${SUBJECT_NAMES.join(',')}] [--scale 1] [--rounds 1] [--write-results]

  --subjects       comma-separated subjects to run, in this order (default: all)
  --scale          multiplies every row's call count; 0.2 for a quick run (default 1)
  --rounds         runs every row this many times with fresh streams, rotating which subject goes
                   first; each subject's median round is reported, and each ratio as the median of
                   the rounds' ratios with its range (default 1)
  --write-results  also write the report into bench/RESULTS.md, replacing the previous one`;

export { UsageError } from './flags';

export function parseArgs(argv: readonly string[]): BenchArgs | 'help' {
  return parseFlags<BenchArgs>(argv, { subjects: [...SUBJECT_NAMES], scale: 1, rounds: 1, writeResults: false }, {
    '--subjects': { key: 'subjects', kind: 'value', parse: parseSubjects },
    '--scale': { key: 'scale', kind: 'value', parse: parseScale },
    '--rounds': { key: 'rounds', kind: 'value', parse: parseRounds },
    '--write-results': { key: 'writeResults', kind: 'switch' },
  });
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

function parseRounds(raw: string): number {
  const rounds = Number(raw);
  if (!Number.isInteger(rounds) || rounds < 1) throw new UsageError(`--rounds must be a whole number of at least 1, got ${raw}`);
  return rounds;
}
