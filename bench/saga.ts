/**
 * `npm run bench:saga`: sagas per second and end-to-end latency of the order saga on the local
 * Temporal dev server and PostgreSQL, beside the ceiling measured in the same run: the same external
 * calls driven by a bare workflow with no event appends and no saga toolkit. With `--servers`, the
 * dev server beside a Temporal server on PostgreSQL instead (bench/saga/servers.ts). The report goes to
 * stdout (and bench/RESULTS.md with --write-results); progress goes to stderr.
 */
import { randomUUID } from 'node:crypto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { composition } from '../processes';
import { createSimulatedServices, SimulatedFaults } from '../src/adapters';
import { createOrderClient } from '../processes/orderFulfillment/client';
import { createPool } from '../src/config/connections';
import { redactUrl } from '../src/infra/postgres';
import { startLocalStack } from '../workers/localStack';
import { orderWorkflowId } from '../processes/orderFulfillment/workflow';
import { benchProcess } from './lib/benchProcess';
import { describeEnvironment } from './lib/environment';
import { runCalls, type Measurement } from './lib/measure';
import { writeResults } from './lib/results';
import { parseSagaBenchArgs, USAGE } from './saga/args';
import { createBareActivities } from './saga/bareActivities';
import { makeOrders, MIXES, type BenchOrder } from './saga/load';
import { runServersBench } from './saga/servers';
import { combine, renderSagaReport, type MixResult, type SagaSubject } from './saga/report';

const DATABASE = 'bench_saga';
// The worker logs every state change at INFO, and every injected failure at WARN.
Runtime.install({ logger: new DefaultLogger('ERROR') });
const bench = benchProcess();
const { log, shutdown } = bench;

async function main(argv: readonly string[]): Promise<void> {
  const args = parseSagaBenchArgs(argv);
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (args.servers) {
    const report = await runServersBench(args, bench, argv);
    process.stdout.write(`\n${report}\n`);
    if (args.writeResults) {
      writeResults(report);
      log('written to bench/RESULTS.md');
    }
    return;
  }
  const taskQueue = `bench-saga-${randomUUID()}`;
  const { services, client, pool } = await startLocalStack({
    profile: 'bench',
    taskQueue,
    shutdown,
    log,
    freshDatabase: DATABASE,
    worker: { extraWorkflowModules: [require.resolve('./saga/bareWorkflow')], retries: 'fast', extraActivities: (pool) => createBareActivities(createSimulatedServices(pool)) },
  });
  log(`PostgreSQL at ${redactUrl(services.postgres.url)}, Temporal at ${services.temporal.address}`);
  const admin = createPool(services.postgres.url, {}, { max: 1 });
  shutdown.add(() => admin.end());
  const environment = await describeEnvironment(admin, argv);
  const orders = createOrderClient({ client, taskQueue });
  const faults = new SimulatedFaults(pool, composition.simulatedOperations);

  const subjects: Record<SagaSubject, (order: BenchOrder) => Promise<number>> = {
    async sagaflow({ input, faults: plan, expected }) {
      if (plan) await faults.plan(`${orderWorkflowId(input.orderId)}:`, plan);
      await orders.startOrder(input);
      const { outcome } = await orders.awaitOrderResult(input.orderId);
      if (outcome !== expected) throw new Error(`order ${input.orderId} ended ${outcome}, expected ${expected}`);
      return 1;
    },
    async bare({ input, faults: plan, expected }) {
      const workflowId = `bare-order-${input.orderId}`;
      if (plan) await faults.plan(`${workflowId}:`, plan);
      const handle = await client.workflow.start('bareOrderFulfillment', { taskQueue, workflowId, args: [input] });
      const { outcome } = (await handle.result()) as { outcome: string };
      if (outcome !== expected) throw new Error(`bare order ${input.orderId} ended ${outcome}, expected ${expected}`);
      return 1;
    },
  };
  const measure = (subject: SagaSubject, items: BenchOrder[]): Promise<Measurement> =>
    runCalls(Array.from({ length: args.concurrency }, () => subjects[subject]), items);

  log(`warming up: ${args.concurrency * 2} sagas per subject`);
  for (const subject of ['sagaflow', 'bare'] as const) await measure(subject, makeOrders('30% compensate', args.concurrency * 2));

  const results: MixResult[] = [];
  for (const mix of MIXES) {
    const result: MixResult = { mix, rounds: { sagaflow: [], bare: [] } };
    for (let round = 0; round < args.rounds; round++) {
      // Alternate who goes first: the second subject meets the first one's leftovers (history
      // cleanup in the dev server, autovacuum) and neither should always be the one.
      const order: SagaSubject[] = round % 2 === 0 ? ['sagaflow', 'bare'] : ['bare', 'sagaflow'];
      for (const subject of order) {
        const measurement = await measure(subject, makeOrders(mix, args.sagas));
        result.rounds[subject].push(measurement);
        log(`${mix}, round ${round + 1}/${args.rounds}, ${subject}: ${measurement.eventsPerSecond.toFixed(1)} sagas/s, p50 ${Math.round(measurement.p50Ms)} ms, p99 ${Math.round(measurement.p99Ms)} ms`);
      }
    }
    results.push(result);
  }

  const notes = results.map(({ mix, rounds }) => {
    const ratio = combine(rounds.sagaflow).sagasPerSecond / combine(rounds.bare).sagasPerSecond;
    return `${mix}: sagaflow runs at ${Math.round(ratio * 100)}% of the bare workflow's throughput (target: at least 90%)`;
  });
  const report = renderSagaReport({
    environment,
    temporal: `Temporal dev server ${services.temporal.address}${services.temporal.owned ? ' (SQLite file, journal_mode=wal, synchronous=normal)' : ' (external)'}`,
    sagas: args.sagas,
    concurrency: args.concurrency,
    rounds: args.rounds,
    results,
    notes,
  });
  process.stdout.write(`\n${report}\n`);
  if (args.writeResults) {
    writeResults(report);
    log('written to bench/RESULTS.md');
  }
}

bench.finish(main(process.argv.slice(2)), USAGE);
