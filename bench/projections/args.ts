import { UsageError } from '../lib/args';

export interface ProjectionBenchArgs {
  /** Events in the log the rebuild folds. */
  events: number;
  partitions: number;
  /** Appends per second during the lag measurement. */
  rate: number;
  lagSeconds: number;
  writeResults: boolean;
}

export const USAGE = `usage: npm run bench:projections -- [--events 1000000] [--partitions 4] [--rate 500] [--lag-seconds 30] [--write-results]

  --events         order events in the log to rebuild from (default 1000000)
  --partitions     partitions of the rebuild (default 4)
  --rate           events appended per second while lag is measured (default 500)
  --lag-seconds    how long lag is measured (default 30)
  --write-results  also write the report into bench/RESULTS.md, replacing the previous one`;

export function parseProjectionBenchArgs(argv: readonly string[]): ProjectionBenchArgs | 'help' {
  const args: ProjectionBenchArgs = { events: 1_000_000, partitions: 4, rate: 500, lagSeconds: 30, writeResults: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const count = (min: number, max: number): number => {
      const raw = inline ?? argv[++i];
      const value = Number(raw);
      if (raw === undefined || !Number.isInteger(value) || value < min || value > max) {
        throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got ${raw ?? 'nothing'}`);
      }
      return value;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--events':
        args.events = count(100, 100_000_000);
        break;
      case '--partitions':
        args.partitions = count(1, 64);
        break;
      case '--rate':
        args.rate = count(1, 100_000);
        break;
      case '--lag-seconds':
        args.lagSeconds = count(1, 3_600);
        break;
      case '--write-results':
        args.writeResults = true;
        break;
      default:
        throw new UsageError(`unknown argument ${argv[i]}`);
    }
  }
  return args;
}
