import { Command } from 'commander';
import { registerEventsCommands } from './commands/events';
import { registerEventsArchiveCommand, registerExportArchivedCommand } from './commands/eventsArchive';
import { registerHistoriesCommands } from './commands/histories';
import { registerMigrateCommand } from './commands/migrate';
import { registerProjectionsCommands } from './commands/projections';
import { registerSagasCommands } from './commands/sagas';
import { registerSubjectsCommands } from './commands/subjects';
import type { Composition } from '../process/composeProcesses';
import { processIo, type CliIo } from './output';

/**
 * The `sagaflow` command: the engine's groups (each in its own module under commands/) and every
 * process's own commands (orders, trips, …) from the composition.
 */
export function createProgram(composition: Composition, io: CliIo = processIo): Command {
  const program = new Command('sagaflow')
    .description('Run, inspect and test sagaflow sagas, events and projections.')
    .option('--verbose', 'print stack traces of errors')
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      // One line for bad usage, the hint included, so scripts and people read the same thing.
      outputError: (text, write) => write(`${text.trimEnd()} (run with --help for usage)\n`),
    })
    // Errors come back to runCli as exceptions instead of ending the process; subcommands inherit this.
    .exitOverride()
    .addHelpText('after', '\nSettings come from the environment and a .env file (see the README); `npm run dev` starts a local stack the commands find by themselves.');
  registerMigrateCommand(program, io);
  registerHistoriesCommands(program, io);
  composition.registerCli(program, io);
  registerSagasCommands(program, io, { sagaTypes: composition.processes.map((p) => p.sagaType) });
  // A prefix is its streams' type and a dash (`Order-`).
  const folds = Object.fromEntries(composition.processes.flatMap((p) => (p.streamState ? [[p.streamPrefix.replace(/-$/, ''), p.streamState] as const] : [])));
  const events = registerEventsCommands(program, io, composition.contracts, folds);
  registerEventsArchiveCommand(events, io, composition.retention);
  registerExportArchivedCommand(events, io, composition.retention);
  registerProjectionsCommands(program, io, composition);
  registerSubjectsCommands(program, io);
  return program;
}
