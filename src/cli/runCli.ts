import { CommanderError } from 'commander';
import { InvalidInputError } from '../client/errors';
import { ConfigError } from '../config/env';
import { InvalidStreamIdError } from '../eventstore/streamIds';
import type { Composition } from '../process/composeProcesses';
import { CliError, EXIT } from './errors';
import { processIo, type CliIo } from './output';
import { createProgram } from './program';

/** Runs one command line over a composition's processes; resolves to the process exit code instead of exiting, so tests can call it. */
export async function runCli(argv: readonly string[], composition: Composition, io: CliIo = processIo): Promise<number> {
  const program = createProgram(composition, io);
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; commander has already printed its own message for the rest.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    io.stderr(`error: ${verbose && error instanceof Error && error.stack ? error.stack : messageOf(error)}\n`);
    if (error instanceof CliError) return error.exitCode;
    // Bad input caught at a boundary below the CLI (configuration, a client's contract, a stream id) is bad usage too.
    if (error instanceof ConfigError || error instanceof InvalidInputError || error instanceof InvalidStreamIdError) return EXIT.usage;
    return EXIT.failed;
  }
}

/** One line, whatever the error: a configuration error lists its variables separated by semicolons. */
function messageOf(error: unknown): string {
  if (error instanceof ConfigError) return `invalid configuration: ${error.issues.join('; ')}`;
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}
