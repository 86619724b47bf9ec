import { parseFlags } from '../lib/flags';

export interface SagaBenchArgs {
  sagas: number;
  concurrency: number;
  rounds: number;
  writeResults: boolean;
  /** The order saga on the dev server beside a Temporal server on PostgreSQL, with 1 and 2 saga workers. */
  servers: boolean;
}

export const USAGE = `usage: npm run bench:saga -- [--sagas 200] [--concurrency 32] [--rounds 3] [--write-results]

  --sagas          sagas per subject, mix and round (default 200)
  --concurrency    sagas in flight at once, each started as the previous one ends (default 32)
  --rounds         rounds per mix; subjects alternate who goes first (default 3)
  --servers        the dev server beside a Temporal server on PostgreSQL (the cluster profile),
                   each with 1 and 2 saga worker processes, instead of sagaflow beside a bare workflow
  --write-results  also write the report into bench/RESULTS.md, replacing the previous one`;

export function parseSagaBenchArgs(argv: readonly string[]): SagaBenchArgs | 'help' {
  return parseFlags<SagaBenchArgs>(argv, { sagas: 200, concurrency: 32, rounds: 3, writeResults: false, servers: false }, {
    '--sagas': { key: 'sagas', kind: 'count', min: 1, max: 100_000 },
    '--concurrency': { key: 'concurrency', kind: 'count', min: 1, max: 1_000 },
    '--rounds': { key: 'rounds', kind: 'count', min: 1, max: 100 },
    '--write-results': { key: 'writeResults', kind: 'switch' },
    '--servers': { key: 'servers', kind: 'switch' },
  });
}
