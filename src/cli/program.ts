import { Command } from 'commander';
import { registerHistoriesCommands } from './commands/histories';
import { registerProjectionsCommands } from './commands/projections';

/** The `sagaflow` command and its groups; each group lives in its own module under commands/. */
export function createProgram(): Command {
  const program = new Command('sagaflow')
    .description('Run, inspect and test sagaflow sagas, events and projections.')
    .option('--verbose', 'print stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', '\nSettings come from the environment (see the README); `npm run dev` starts a local stack the commands find by themselves.');
  registerHistoriesCommands(program);
  registerProjectionsCommands(program);
  return program;
}
