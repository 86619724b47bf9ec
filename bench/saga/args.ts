import { UsageError } from '../lib/args';

export interface SagaBenchArgs {
  sagas: number;
  concurrency: number;
  rounds: number;
  writeResults: boolean;
}

export const USAGE = `usage: npm run bench:saga -- [--sagas 200] [--concurrency 32] [--rounds 3] [--write-results]

  --sagas          sagas per subject, mix and round (default 200)
  --concurrency    sagas in flight at once, each started as the previous one ends (default 32)
  --rounds         rounds per mix; subjects alternate who goes first (default 3)
  --write-results  also write the report into bench/RESULTS.md, replacing the previous one`;

export function parseSagaBenchArgs(argv: readonly string[]): SagaBenchArgs | 'help' {
  const args: SagaBenchArgs = { sagas: 200, concurrency: 32, rounds: 3, writeResults: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const count = (name: keyof SagaBenchArgs, max: number): number => {
      const raw = inline ?? argv[++i];
      const value = Number(raw);
      if (raw === undefined || !Number.isInteger(value) || value < 1 || value > max) {
        throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got ${raw ?? 'nothing'}`);
      }
      return value;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--sagas':
        args.sagas = count('sagas', 100_000);
        break;
      case '--concurrency':
        args.concurrency = count('concurrency', 1_000);
        break;
      case '--rounds':
        args.rounds = count('rounds', 100);
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
