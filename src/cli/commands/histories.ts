import path from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/env';
import { exportHistories } from '../../histories';
import { projectRoot } from '../../infra/paths';
import { UsageError } from '../errors';
import { printJson, processIo, type CliIo } from '../output';
import { positiveInteger } from '../parsers';
import { withTemporal } from '../temporalConnection';

export function registerHistoriesCommands(program: Command, io: CliIo = processIo): void {
  const histories = program.command('histories').description('Workflow histories for replay testing');

  histories
    .command('export')
    .description('Fetch workflow histories from Temporal and write them as JSON files, <out>/<workflow-type>/<workflow-id>.json')
    .argument('[workflow-ids...]', 'the workflows to export (their latest run each)')
    .option('-q, --query <visibility-query>', 'export the runs a visibility query finds instead')
    .addOption(new Option('-n, --limit <count>', 'at most this many runs from --query').default(50).argParser(positiveInteger('--limit')))
    .option('-o, --out <dir>', 'where to write', path.join(projectRoot, 'test', 'histories'))
    .option('--json', 'print what was written as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ sagaflow histories export order-42
  $ sagaflow histories export --query "WorkflowType = 'orderFulfillment' AND SagaStatus = 'COMPENSATED'" --limit 10`,
    )
    .action(async (workflowIds: string[], options: { query?: string; limit: number; out: string; json?: boolean }) => {
      if (workflowIds.length > 0 && options.query) throw new UsageError('give workflow ids or --query, not both');
      if (workflowIds.length === 0 && !options.query) throw new UsageError('give the workflow ids to export, or --query');
      const exported = await withTemporal(loadConfig(), (temporal) =>
        exportHistories(
          temporal.client,
          path.resolve(options.out),
          workflowIds.length > 0 ? { workflowIds } : { query: options.query!, limit: options.limit },
          {
            onExported: (entry) => {
              if (!options.json) io.stderr(`exported ${entry.workflowId} (${entry.events} events) → ${path.relative(process.cwd(), entry.path)}\n`);
            },
          },
        ),
      );
      if (options.json) printJson(io, exported);
      else io.stdout(`${exported.length} histor${exported.length === 1 ? 'y' : 'ies'} written under ${path.relative(process.cwd(), path.resolve(options.out)) || '.'}\n`);
    });
}
