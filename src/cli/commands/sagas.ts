import { Option, type Command } from 'commander';
import { resolveCompensation, retryCompensation } from '../../client/sagaRuns';
import { loadConfig, loadSagaStuckAfter } from '../../config/env';
import { DEFAULT_STUCK_AFTER_MS, sagaStats, stuckAfterResolver } from '../../read-models/sagaStats';
import { withDatabase } from '../databaseConnection';
import { CliError, UsageError } from '../errors';
import { printJson, processIo, type CliIo } from '../output';
import { sinceArg } from '../parsers';
import { describeRun } from '../sagaLookup';
import { renderSagaStats } from '../sagaStatsText';
import { withTemporal, type CliTemporal } from '../temporalConnection';

/** Figures of every saga type, and operator signals for a parked saga of any process (order, transfer, …), by workflow id. */
export function registerSagasCommands(program: Command, io: CliIo = processIo, { sagaTypes }: { sagaTypes: readonly string[] }): void {
  const sagas = program.command('sagas').description('Figures of every saga type, and operator signals for sagas whose compensation failed (SagaStatus COMPENSATION_FAILED)');

  sagas
    .command('stats')
    .summary('Started, running, parked, stuck and ended sagas per type, with durations, failed steps and compensations')
    .description(
      'Figures of every saga type from the saga_runs read model (the same the saga metrics export): runs started, running, parked for an operator, ' +
        `stuck (running past SAGAFLOW_SAGA_STUCK_AFTER, default ${DEFAULT_STUCK_AFTER_MS / 60_000} min), ended by outcome, the compensation rate, ` +
        'durations by outcome (p50, p95, p99, max), the steps whose failure made runs compensate, and the compensations by the step they undid.',
    )
    .addOption(new Option('--type <sagaType>', `only this saga type (${sagaTypes.join(', ')})`))
    .addOption(new Option('--since <when>', 'only sagas started since then: a duration back from now (30m, 2h) or an ISO 8601 time').argParser(sinceArg('--since')))
    .option('--json', 'print the figures as JSON')
    .addHelpText('after', '\nExamples:\n  $ sagaflow sagas stats\n  $ sagaflow sagas stats --type OrderFulfillment --since 1h --json')
    .action(async (options: { type?: string; since?: Date; json?: boolean }) => {
      if (options.type !== undefined && !sagaTypes.includes(options.type)) {
        throw new UsageError(`--type: no saga type ${JSON.stringify(options.type)}; known: ${sagaTypes.join(', ')}`);
      }
      const config = loadConfig();
      const stuckAfterOf = stuckAfterResolver(loadSagaStuckAfter(sagaTypes));
      const stats = await withDatabase(config, (pool) =>
        sagaStats(pool, { sagaTypes, stuckAfterOf, ...(options.type !== undefined ? { sagaType: options.type } : {}), ...(options.since ? { since: options.since } : {}) }),
      );
      if (options.json) return printJson(io, options.since ? { since: options.since.toISOString(), sagas: stats } : { sagas: stats });
      io.stdout(renderSagaStats(stats, options.since ? { since: options.since } : {}));
    });

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
