import { parseFlags } from '../lib/flags';

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
  return parseFlags<ProjectionBenchArgs>(argv, { events: 1_000_000, partitions: 4, rate: 500, lagSeconds: 30, writeResults: false }, {
    '--events': { key: 'events', kind: 'count', min: 100, max: 100_000_000 },
    '--partitions': { key: 'partitions', kind: 'count', min: 1, max: 64 },
    '--rate': { key: 'rate', kind: 'count', min: 1, max: 100_000 },
    '--lag-seconds': { key: 'lagSeconds', kind: 'count', min: 1, max: 3_600 },
    '--write-results': { key: 'writeResults', kind: 'switch' },
  });
}
