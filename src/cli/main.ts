import { CommanderError, type Command } from 'commander';
import { ConfigError } from '../config/env';
import { CliError, EXIT } from './errors';
import { createProgram } from './program';

/** Runs one command line; resolves to the process exit code instead of exiting, so tests can call it. */
export async function runCli(argv: readonly string[], io: { stderr: (text: string) => void } = { stderr: (t) => process.stderr.write(t) }): Promise<number> {
  const program = createProgram();
  // Subcommands do not inherit settings made after they were added: without this, commander would
  // call process.exit(1) itself on a subcommand's usage error (a missing required option).
  for (const command of withSubcommands(program)) command.exitOverride().configureOutput({ writeErr: io.stderr });
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; commander has already printed its own message for the rest.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`error: ${verbose && error instanceof Error && error.stack ? error.stack : message}\n`);
    if (error instanceof CliError) return error.exitCode;
    if (error instanceof ConfigError) return EXIT.usage;
    return EXIT.failed;
  }
}

function withSubcommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(withSubcommands)];
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
