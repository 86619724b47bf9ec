import type { Command } from 'commander';
import { resolveCompensation, retryCompensation } from '../../client/sagaRuns';
import { loadConfig } from '../../config/env';
import { CliError, UsageError } from '../errors';
import { printJson, processIo, type CliIo } from '../output';
import { describeRun } from '../sagaLookup';
import { withTemporal, type CliTemporal } from '../temporalConnection';

/** Operator signals for a parked saga of any process (order, transfer, …), by workflow id. */
export function registerSagasCommands(program: Command, io: CliIo = processIo): void {
  const sagas = program.command('sagas').description('Operate sagas of any type whose compensation failed (SagaStatus COMPENSATION_FAILED)');

  /** Only a parked saga listens for these signals; anything else would take the signal and do nothing. */
  const parked = async (temporal: CliTemporal, workflowId: string) => {
    const run = await describeRun(temporal.client, workflowId, `workflow ${workflowId}`);
    if (run.sagaStatus === undefined) throw new CliError(`workflow ${workflowId} (${run.type}) is not a saga: it has no SagaStatus`);
    if (run.sagaStatus !== 'COMPENSATION_FAILED' || run.status.name !== 'RUNNING') {
      throw new CliError(`workflow ${workflowId} is not waiting for an operator: its SagaStatus is ${run.sagaStatus} (retry and resolve apply to COMPENSATION_FAILED)`);
    }
    return temporal.client.workflow.getHandle(workflowId);
  };

  sagas
    .command('resolve')
    .description('Record that the failed compensation was handled by hand; the saga records CompensationResolved and carries on')
    .argument('<workflow-id>', 'the saga run, e.g. order-42 or transfer-t-1001')
    .requiredOption('--note <text>', 'what was done by hand')
    .requiredOption('--by <who>', 'who did it')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `\nExample:\n  $ sagaflow sagas resolve order-42 --note "voided in the PSP console" --by ops@example.com`)
    .action(async (workflowId: string, options: { note: string; by: string; json?: boolean }) => {
      for (const [flag, value] of [['--note', options.note], ['--by', options.by]] as const) {
        if (!value.trim()) throw new UsageError(`${flag} must not be empty`);
      }
      await withTemporal(loadConfig(), async (temporal) => resolveCompensation(await parked(temporal, workflowId), { note: options.note, resolvedBy: options.by }));
      if (options.json) return printJson(io, { workflowId, signal: 'resolveCompensation', note: options.note, resolvedBy: options.by });
      io.stdout(`resolution sent to ${workflowId}: it records CompensationResolved and carries on\n`);
    });

  sagas
    .command('retry')
    .description('Run the failed compensation again with a fresh retry budget')
    .argument('<workflow-id>', 'the saga run, e.g. order-42 or transfer-t-1001')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  $ sagaflow sagas retry transfer-t-1001')
    .action(async (workflowId: string, options: { json?: boolean }) => {
      await withTemporal(loadConfig(), async (temporal) => retryCompensation(await parked(temporal, workflowId)));
      if (options.json) return printJson(io, { workflowId, signal: 'retryCompensation' });
      io.stdout(`retry sent to ${workflowId}: its failed compensation runs again\n`);
    });
}
