import { SUBJECT_NAMES, type SubjectName } from './subjects/subject';

export interface BenchArgs {
  subjects: SubjectName[];
  /** Multiplies every row's call count (warm-ups excepted). */
  scale: number;
  writeResults: boolean;
}

export const USAGE = `usage: npm run bench:eventstore -- [--subjects ${SUBJECT_NAMES.join(',')}] [--scale 1] [--write-results]

  --subjects       comma-separated subjects to run, in this order (default: all)
  --scale          multiplies every row's call count; 0.2 for a quick run (default 1)
  --write-results  also write the report into bench/RESULTS.md, replacing the previous one`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: readonly string[]): BenchArgs | 'help' {
  const args: BenchArgs = { subjects: [...SUBJECT_NAMES], scale: 1, writeResults: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--subjects': {
        const names = value().split(',').map((name) => name.trim()).filter(Boolean);
        const unknown = names.filter((name) => !(SUBJECT_NAMES as readonly string[]).includes(name));
        if (unknown.length > 0 || names.length === 0) {
          throw new UsageError(`--subjects takes a list from ${SUBJECT_NAMES.join(', ')}; got ${names.join(',') || 'nothing'}`);
        }
        args.subjects = [...new Set(names)] as SubjectName[];
        break;
      }
      case '--scale': {
        const raw = value();
        const scale = Number(raw);
        if (!Number.isFinite(scale) || scale <= 0) throw new UsageError(`--scale must be a positive number, got ${raw}`);
        args.scale = scale;
        break;
      }
      case '--write-results':
        args.writeResults = true;
        break;
      default:
        throw new UsageError(`unknown argument ${argv[i]}`);
    }
  }
  return args;
}
