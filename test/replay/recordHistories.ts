/**
 * `npm run histories:record -- --set <name>`: runs every saga scenario (each outcome of each
 * workflow) against a real worker, Temporal dev server and PostgreSQL, and writes each run's
 * history to test/histories/<workflow-type>/<set>/<workflow-id>.json for the replay suite.
 * Record a new set after each change to a workflow; keep the old sets, they are what still-running
 * workflows look like.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { Command, InvalidArgumentError } from 'commander';
import { exportHistories, historyFileName } from '../../src/histories';
import { repoRoot } from '../../src/infra/paths';
import { handleShutdown } from '../../src/infra/shutdown';
import { startLocalStack } from '../../workers/localStack';
import { composition } from '../../processes';
import { SimulatedFaults } from '../../src/adapters';

const HISTORIES = path.join(repoRoot, 'test', 'histories');
const DATABASE = 'sagaflow_record_histories';
const log = (line: string) => process.stderr.write(`${line}\n`);
Runtime.install({ logger: new DefaultLogger('ERROR') });

async function record(set: string, only: string | undefined): Promise<void> {
  const shutdown = handleShutdown(log);
  try {
    // Every process's scenarios, named `<SagaType>/<scenario>`; --only takes a saga type or one such name.
    const all = composition.scenarios.map(({ sagaType, scenario }) => ({ ...scenario, sagaType, name: `${sagaType}/${scenario.name}` }));
    const scenarios = all.filter((s) => !only || s.name === only || s.sagaType === only);
    if (scenarios.length === 0) {
      throw new InvalidArgumentError(`no scenario named ${only}; there are: ${[...composition.processes.map((p) => p.sagaType), ...all.map((s) => s.name)].join(', ')}`);
    }
    const taskQueue = `histories-${randomUUID()}`;
    const { pool, client } = await startLocalStack({ profile: 'test', taskQueue, shutdown, log, freshDatabase: DATABASE, worker: { retries: 'fast' } });

    for (const [index, scenario] of scenarios.entries()) {
      log(`[${index + 1}/${scenarios.length}] ${scenario.name}`);
      // The business key names the set and the scenario, so the file (named after the workflow id) says what it holds.
      const workflowId = await scenario.run({ client, taskQueue, pool, faults: new SimulatedFaults(pool, composition.simulatedOperations) }, `${set}-${scenario.name.slice(scenario.sagaType.length + 1)}`);
      const [written] = await exportHistories(client, HISTORIES, { workflowIds: [workflowId] }, { layout: (run) => `${run.workflowType}/${set}/${historyFileName(run.workflowId)}` });
      log(`    ${written!.events} events → ${path.relative(repoRoot, written!.path)}`);
    }
    shutdown.exit(0);
  } catch (error) {
    log(`histories:record failed: ${error instanceof InvalidArgumentError ? error.message : ((error as Error).stack ?? String(error))}`);
    shutdown.exit(error instanceof InvalidArgumentError ? 2 : 1);
  }
}

const program = new Command('histories:record')
  .description('Record a history of every saga scenario into test/histories/<workflow-type>/<set>/')
  .requiredOption('-s, --set <name>', 'the recording set, e.g. baseline or fraud-check', (value: string) => {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(value)) throw new InvalidArgumentError('must be lower-case letters, digits and dashes');
    return value;
  })
  .option('--only <scenario>', 'record just one process (its saga type, e.g. OrderFulfillment) or one scenario (OrderFulfillment/completed)')
  .action((options: { set: string; only?: string }) => record(options.set, options.only));

void program.parseAsync();
