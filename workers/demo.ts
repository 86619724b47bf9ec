import { DefaultLogger, Runtime } from '@temporalio/worker';
import { Command, InvalidArgumentError } from 'commander';
import { composition } from '../processes';
import { orderFulfillment } from '../processes/orderFulfillment';
import { SimulatedFaults } from '../src/adapters';
import { createOrderClient } from '../processes/orderFulfillment/client';
import { ConfigError, loadConfig, loadProjectionWorkerConfig, loadSagaStuckAfter } from '../src/config/env';
import fs from 'node:fs';
import path from 'node:path';
import { sampleProjectionLag } from '../src/demo/lagSampler';
import { renderDemoPlot } from '../src/demo/plot';
import { readDemoSummary, renderDemoSummary, runDurations, waitForSettledRuns } from '../src/demo/summary';
import { runWorkload, type DemoOrderResult } from '../src/demo/runWorkload';
import { planDemoOrders } from '../src/demo/workload';
import { InfraError } from '../src/infra/errors';
import { redactUrl } from '../src/infra/postgres';
import { stuckAfterResolver } from '../src/read-models/sagaStats';
import { handleShutdown } from '../src/infra/shutdown';
import { startLocalStack } from './localStack';

const log = (line: string) => process.stderr.write(`[demo] ${line}\n`);

/** The demo ran but what it saw is wrong: reported in a line or two, without a stack trace. */
class DemoError extends Error {}
const shutdown = handleShutdown(log);

interface DemoOptions {
  orders: number;
  concurrency: number;
  exit: boolean;
  /** Where to write the run's picture (SVG), if anywhere. */
  plot?: string;
}

/**
 * `npm run demo`: the local stack (PostgreSQL, Temporal with its Web UI, the saga worker and the
 * projection worker), a realistic mixed load of orders, and a summary read from the projections.
 */
async function demo({ orders: count, concurrency, exit, plot }: DemoOptions): Promise<void> {
  const config = loadConfig();
  const { metricsHost } = loadProjectionWorkerConfig();
  // Signals are ours to handle: the workers must drain before the services they talk to go away.
  // Core's WARN lines (an activity finishing after its run was cancelled, say) are expected noise in a demo.
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });

  // Metrics on a free port: a projection worker of `npm run dev` may serve the default one (this one then stands by).
  const { services, pool, client, projections } = await startLocalStack({
    profile: 'dev',
    taskQueue: config.taskQueue,
    shutdown,
    log,
    // Fast retries: a failing step gives up, and a failing compensation parks, within seconds.
    worker: { retries: 'fast' },
    projections: { metricsHost, metricsPort: 0 },
  });
  const orders = createOrderClient({ client, taskQueue: config.taskQueue });

  // The database's clock, which the saga figures compare event times with: runs started from here on are this demo's.
  const runStarted = (await pool.query<{ now: Date }>('select now()')).rows[0]!.now;
  const runTag = Date.now().toString(36);
  const planned = planDemoOrders(count, runTag);
  log(`running ${count} orders, ${concurrency} at a time: most complete; some fail at each step, are declined, refused as fraud or cancelled; one needs an operator`);
  const started = Date.now();
  const lag = plot ? sampleProjectionLag(pool) : undefined;
  const results = await runWorkload(orders, new SimulatedFaults(pool, composition.simulatedOperations), planned, { concurrency });
  log(`all ${count} orders settled in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for the read models to show them`);

  const broken = results.filter((r) => r.ended === 'ERROR');
  if (broken.length > 0) {
    const examples = broken.slice(0, 5).map((r) => `  ${r.workflowId}: ${r.error}`);
    throw new DemoError(`${broken.length} of ${count} order runs failed instead of completing or compensating:\n${examples.join('\n')}`);
  }
  const streamIds = planned.map((o) => `${orderFulfillment.streamPrefix}${o.input.orderId}`);
  await waitForSettledRuns(pool, streamIds);
  const lagSamples = await lag?.stop();
  const summary = await readDemoSummary(pool, {
    sagaType: orderFulfillment.sagaType,
    since: runStarted,
    stuckAfterOf: stuckAfterResolver(loadSagaStuckAfter(composition.processes.map((p) => p.sagaType))),
  });
  if (plot) {
    const title = `npm run demo -- --orders ${count} --concurrency ${concurrency}, ${runStarted.toISOString().slice(0, 10)}`;
    fs.mkdirSync(path.dirname(path.resolve(plot)), { recursive: true });
    fs.writeFileSync(plot, renderDemoPlot({ title, durations: await runDurations(pool, streamIds), lag: lagSamples ?? [] }));
    log(`picture of the run written to ${plot}`);
  }
  process.stdout.write(`\n${renderDemoSummary(summary)}\n\n${links(results, services.temporal.uiUrl, services.temporal.namespace)}\n`);
  process.stdout.write(
    [
      '',
      `  PostgreSQL        ${redactUrl(services.postgres.url)}`,
      `  Temporal          ${services.temporal.address} (namespace ${services.temporal.namespace})`,
      `  metrics           ${projections!.httpUrl}/metrics`,
      '',
    ].join('\n'),
  );
  if (exit) {
    shutdown.exit(0);
    return;
  }
  process.stdout.write('The services stay up for you to explore; press Ctrl-C to stop.\n');
}

function links(results: readonly DemoOrderResult[], uiUrl: string | undefined, namespace: string): string {
  const find = (ended: DemoOrderResult['ended']) => results.find((r) => r.ended === ended);
  const url = (workflowId: string) => (uiUrl ? `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}` : workflowId);
  const completed = find('COMPLETED');
  const compensated = find('COMPENSATED');
  const parked = find('PARKED');
  return [
    'In the Temporal Web UI',
    ...(completed ? [`  a completed order     ${url(completed.workflowId)}`] : []),
    ...(compensated ? [`  a compensated order   ${url(compensated.workflowId)}`] : []),
    ...(parked
      ? [
          `  waiting for you       ${url(parked.workflowId)}`,
          `    its payment could not be voided; once handled by hand, resolve it:`,
          `    npx sagaflow sagas resolve ${parked.workflowId} --note "voided in the PSP console" --by you@example.com`,
        ]
      : []),
    ...(uiUrl ? [`  all sagas             ${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent("SagaStatus != ''")}`] : []),
  ].join('\n');
}

const wholeNumber = (name: string, max: number) => (raw: string) => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}`);
  return value;
};

const svgFile = (raw: string) => {
  if (path.extname(raw).toLowerCase() !== '.svg') throw new InvalidArgumentError(`--plot must name an .svg file, got ${JSON.stringify(raw)}`);
  return raw;
};

new Command('demo')
  .description('Start the local stack and run a mixed load of order sagas, then summarise it from the read models')
  .option('-n, --orders <count>', 'orders to run', wholeNumber('--orders', 100_000), 200)
  .option('-c, --concurrency <count>', 'orders in flight at once', wholeNumber('--concurrency', 1_000), 20)
  .option('--exit', 'stop the services when done instead of keeping them up')
  .option('--plot <file.svg>', "write a picture of the run: saga durations by outcome, and each projection's lag over the run", svgFile)
  .addHelpText('after', '\nExamples:\n  $ npm run demo\n  $ npm run demo -- --orders 50 --exit\n  $ npm run demo -- --exit --plot docs/demo-run.svg')
  .exitOverride()
  .action((options: { orders: number; concurrency: number; exit?: boolean; plot?: string }) =>
    demo({ orders: options.orders, concurrency: options.concurrency, exit: Boolean(options.exit), ...(options.plot ? { plot: options.plot } : {}) }).catch((error: unknown) => {
      const known = error instanceof ConfigError || error instanceof InfraError || error instanceof DemoError;
      log(known ? (error).message : ((error as Error).stack ?? String(error)));
      shutdown.exit(1);
    }),
  )
  .parseAsync()
  // Commander has printed the usage error (or the help) already.
  .catch((error: { code?: string }) => shutdown.exit(error.code === 'commander.helpDisplayed' ? 0 : 2));
