/**
 * `npm run bench:projections`: rebuilds order_summary from a log of order events by its SQL fold
 * (the default) and through its handler, and measures both beside the ceiling measured in the same
 * run (one INSERT … SELECT … GROUP BY computing the same table), then the steady-state lag of the
 * projection worker at a fixed append rate. The report goes to stdout (and bench/RESULTS.md with
 * --write-results); progress goes to stderr.
 */
import pg from 'pg';
import { composition } from '../processes';
import { migrate } from '../src/db/migrate';
import { createEventStore } from '../src/eventstore';
import { createProjectionDaemon, rebuildProjection, setupProjection, type FoldChoice, type RebuildReport } from '../src/projections';
import { orderSummary } from '../processes/orderFulfillment/readModels/orderSummary';
import { createFreshDatabase, dropDatabase, settler } from './lib/databases';
import { describeEnvironment } from './lib/environment';
import { Rng } from './lib/payloads';
import { surviveDisconnects } from '../src/config/connections';
import { writeResults } from './lib/results';
import { parseProjectionBenchArgs, USAGE } from './projections/args';
import { CEILING_TABLE, computeCeiling, differingRows } from './projections/ceiling';
import { measureLag } from './projections/lag';
import { COMPENSATED_EVENTS, HAPPY_EVENTS, HAPPY_PERCENT, orderLog } from './projections/orders';
import { renderProjectionReport } from './projections/report';
import { benchProcess, startBenchPostgres } from './lib/benchProcess';

const DATABASE = 'bench_projections';
const bench = benchProcess();
const { log, shutdown } = bench;

async function main(argv: readonly string[]): Promise<void> {
  const args = parseProjectionBenchArgs(argv);
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const postgres = await startBenchPostgres(bench);
  const admin = surviveDisconnects(new pg.Pool({ connectionString: postgres.url, max: 2 }));
  shutdown.add(() => admin.end());
  const environment = await describeEnvironment(admin, argv);
  const settle = settler(admin, log);
  const url = await createFreshDatabase(admin, postgres.url, DATABASE);
  shutdown.add(() => dropDatabase(admin, DATABASE));
  await migrate(url);

  const pool = surviveDisconnects(new pg.Pool({ connectionString: url, max: args.partitions + 8 }));
  shutdown.add(() => pool.end());
  const store = createEventStore(pool, { contracts: composition.contracts });
  const rng = new Rng('bench:projections');

  log(`loading ${args.events.toLocaleString('en-US')} order events`);
  const loadStarted = performance.now();
  let shown = 0;
  // The log is the fixture, not the measurement: its commits need not wait for the disk.
  const loadPool = surviveDisconnects(new pg.Pool({ connectionString: url, max: 4, options: '-c synchronous_commit=off' }));
  shutdown.add(() => loadPool.end());
  const { imported } = await createEventStore(loadPool, { contracts: composition.contracts, notify: false }).importEvents(orderLog(args.events, rng), {
    concurrency: 4,
    onProgress: (n) => {
      if (n - shown >= args.events / 10) log(`  ${(shown = n).toLocaleString('en-US')} events loaded`);
    },
  });
  const streams = Number((await pool.query<{ n: string }>('select count(distinct stream_id) as n from events')).rows[0]!.n);
  log(`loaded ${imported.toLocaleString('en-US')} events in ${streams.toLocaleString('en-US')} streams in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
  await pool.query('vacuum analyze events');

  await setupProjection(pool, orderSummary);
  const rebuildWith = async (fold: FoldChoice): Promise<RebuildReport> => {
    await settle();
    log(`rebuilding ${orderSummary.name} in ${args.partitions} partitions, fold: ${fold}`);
    let lastLogged = 0;
    const report = await rebuildProjection(pool, orderSummary, {
      contracts: composition.contracts,
      partitions: args.partitions,
      fold,
      onProgress: ({ phase, done, total }) => {
        if (done - lastLogged >= total / 10 || phase !== 'partitions') {
          lastLogged = done;
          log(`  ${phase}: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`);
        }
      },
    });
    if (!report.validation?.equal) throw new Error(`the order_summary rebuilt with fold: ${fold} differs from its verification`);
    return report;
  };
  const rebuild = await rebuildWith('auto');
  if (rebuild.fold.sqlPartitions.length !== args.partitions) throw new Error(`the default rebuild folded through apply: ${rebuild.fold.handlerReason}`);

  await settle();
  log('computing the ceiling: one INSERT … SELECT … GROUP BY');
  const ceilingStarted = performance.now();
  await computeCeiling(pool, orderSummary.tableNames.order_summary);
  const ceilingMs = performance.now() - ceilingStarted;
  const mismatches = await differingRows(pool, orderSummary.tableNames.order_summary, CEILING_TABLE);
  // The handler path last: its minute of page reads and verification does not disturb the two SQL measurements beside each other.
  const handlerRebuild = await rebuildWith('handler');

  await settle();
  log(`steady-state lag: ${args.rate} events/s for ${args.lagSeconds} s with the projection worker running`);
  const daemon = createProjectionDaemon({ pool, connectionString: url, contracts: composition.contracts, projections: [orderSummary], log: () => undefined });
  await daemon.start();
  let lag;
  try {
    lag = await measureLag(pool, store, orderSummary, rng, args.rate, args.lagSeconds);
  } finally {
    await daemon.stop();
  }

  const block = renderProjectionReport({
    environment,
    events: rebuild.events,
    streams,
    mix: `${HAPPY_PERCENT}% completed orders of ${HAPPY_EVENTS} events, ${100 - HAPPY_PERCENT}% declined and compensated of ${COMPENSATED_EVENTS}`,
    partitions: args.partitions,
    rebuild,
    handlerRebuild,
    ceilingMs,
    mismatches,
    lag,
    rate: args.rate,
  });
  await new Promise<void>((resolve, reject) => process.stdout.write(`${block}\n`, (error) => (error ? reject(error) : resolve())));
  if (args.writeResults) {
    writeResults(block);
    log('written to bench/RESULTS.md');
  }
}

bench.finish(main(process.argv.slice(2)), USAGE);
