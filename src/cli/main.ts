import { composition } from '../../processes';
import { EXIT } from './errors';
import { processIo, type CliIo } from './output';
import { runCli as runOver } from './runCli';

/** The repository's `sagaflow` command: the engine's commands and those of the processes in processes/index.ts. */
export function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  return runOver(argv, composition, io);
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`error: ${String(error)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
