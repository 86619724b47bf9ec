/**
 * `npm run bench:archive`: archiving closed streams (`sagaflow events archive`'s path: find a batch
 * of closed streams, move them through sagaflow_archive_streams, one transaction per batch) beside
 * the raw ceiling, a plain `INSERT … SELECT` + `DELETE` of the same streams per batch by the
 * superuser with every trigger off; and readAll's page of the whole log (live ∪ archived, as
 * readAll sends it) beside the same page of the hot table alone, before and after half the streams
 * were archived. Rounds alternate which goes first. The report goes to stdout (and
 * bench/RESULTS.md with --write-results); progress to stderr.
 */
import pg from 'pg';
import { migrate } from '../src/db/migrate';
import { EVENT_COLUMNS } from '../src/eventstore/eventRows';
import { logPageSql } from '../src/eventstore/logPages';
import { ARCHIVE_FUNCTION, ARCHIVE_TABLE, EVENTS_TABLE } from '../src/eventstore/tables';
import { archiveClosedStreams } from '../src/retention/archiveClosedStreams';
import type { StreamTypeRetention } from '../src/retention/streamTypeRetention';
import { withDatabase } from '../src/infra/postgres';
import { benchProcess, startBenchPostgres } from './lib/benchProcess';
import { createFreshDatabase, dropDatabase, settler } from './lib/databases';
import { describeEnvironment, environmentLines } from './lib/environment';
import { EVENT_TYPE, STREAM_TYPE } from './lib/payloads';
import { stockPool } from './lib/pools';
import { writeResults } from './lib/results';
import { median } from './lib/stats';

const USAGE = `usage: npm run bench:archive -- [--streams N] [--events-per-stream N] [--batch-size N] [--rounds N] [--write-results]
  --streams            closed streams in the log (default 5000)
  --events-per-stream  events per stream (default 10)
  --batch-size         streams per archive transaction (default 100, the CLI's)
  --rounds             rounds of each subject, alternating which goes first (default 3)`;

interface Args {
  streams: number;
  eventsPerStream: number;
  batchSize: number;
  rounds: number;
  writeResults: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { streams: 5000, eventsPerStream: 10, batchSize: 100, rounds: 3, writeResults: false };
  const numbers: Record<string, keyof Args> = { '--streams': 'streams', '--events-per-stream': 'eventsPerStream', '--batch-size': 'batchSize', '--rounds': 'rounds' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--write-results') args.writeResults = true;
    else if (numbers[flag]) {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} must be a whole number of at least 1, got ${JSON.stringify(argv[i])}`);
      (args as unknown as Record<string, number>)[numbers[flag]] = value;
    } else throw new UsageError(`unknown option ${flag}`);
  }
  return args;
}

/** Every stream of the log counts as closed: its last event is of the benchmark's one type. */
const RETENTION: StreamTypeRetention[] = [{ streamType: STREAM_TYPE, sagaType: 'Bench', archiveAfterDays: 1, closingEventTypes: [EVENT_TYPE] }];

/**
 * The log, written once into a template database: streams of events with payloads the size of the
 * event store benchmark's (about 320 B of data, 130 B of metadata), a valid hash chain, times two
 * days back. Written by SQL with the triggers off, as only the rows are being measured here.
 */
async function seedTemplate(url: string, { streams, eventsPerStream }: Args): Promise<void> {
  await migrate(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('set session_replication_role = replica');
    await client.query(
      `insert into ${EVENTS_TABLE} (event_id, stream_id, stream_type, version, event_type, schema_version, data, metadata, created_at, transaction_id, hash)
       select gen_random_uuid(), 'Order-' || s, 'Order', v, $1, 1,
              jsonb_build_object('orderId', s::text, 'customerId', 'cust-' || (s % 997), 'currency', 'EUR', 'totalCents', s * 7 + v,
                                 'lines', jsonb_build_array(jsonb_build_object('sku', 'sku-' || (s % 101), 'qty', 1 + v % 3, 'priceCents', 1250),
                                                            jsonb_build_object('sku', 'sku-' || (s % 103), 'qty', 2, 'priceCents', 990)),
                                 'shippingAddress', repeat('Rue de la Paix ' || s || ', ', 6)),
              jsonb_build_object('correlationId', 'order-' || s, 'causationId', md5(s || ':' || v), 'actor', 'bench'),
              date_trunc('milliseconds', now() - interval '2 days') + make_interval(secs => v), pg_current_xact_id(), '\\x00'::bytea
         from generate_series(1, $2::int) s, generate_series(1, $3::int) v
        order by s, v`,
      [EVENT_TYPE, streams, eventsPerStream],
    );
    // The chain, so the rows are what the append path writes (the archive does not check it; verification would).
    await client.query(`do $$
      declare r record; v_previous bytea; v_stream text;
      begin
        for r in select * from ${EVENTS_TABLE} order by stream_id, version loop
          if v_stream is distinct from r.stream_id then v_previous := null; v_stream := r.stream_id; end if;
          v_previous := sagaflow_event_hash(v_previous, r.event_id, r.stream_id, r.version, r.event_type, r.schema_version, r.data, r.metadata, r.created_at);
          update ${EVENTS_TABLE} set hash = v_previous where event_id = r.event_id;
        end loop;
      end $$`);
    await client.query(`vacuum (analyze) ${EVENTS_TABLE}`);
  } finally {
    await client.end();
  }
}

type Measure = (url: string, args: Args) => Promise<{ events: number; seconds: number }>;

/** What `sagaflow events archive` runs, as the schema owner. */
const sagaflowArchive: Measure = async (url, { batchSize }) => {
  const pool = stockPool(url, 2);
  try {
    const started = performance.now();
    const summary = await archiveClosedStreams(pool, RETENTION, { batchSize, olderThanMs: 60_000 });
    return { events: summary.events, seconds: (performance.now() - started) / 1000 };
  } finally {
    await pool.end();
  }
};

/** The ceiling: the same streams, batch by batch, moved by two plain statements per transaction, triggers off. */
const rawMove: Measure = async (url, { batchSize }) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('set session_replication_role = replica');
    const { rows } = await client.query<{ stream_id: string }>(`select distinct stream_id from ${EVENTS_TABLE} order by stream_id`);
    const ids = rows.map((r) => r.stream_id);
    const columns = 'global_position, event_id, stream_id, stream_type, version, event_type, schema_version, data, metadata, created_at, transaction_id, hash';
    let events = 0;
    const started = performance.now();
    for (let i = 0; i < ids.length; i += batchSize) {
      const batch = ids.slice(i, i + batchSize);
      await client.query('begin');
      const moved = await client.query(`insert into ${ARCHIVE_TABLE} (${columns}) select ${columns} from ${EVENTS_TABLE} where stream_id = any($1::text[])`, [batch]);
      await client.query(`delete from ${EVENTS_TABLE} where stream_id = any($1::text[])`, [batch]);
      await client.query('commit');
      events += moved.rowCount ?? 0;
    }
    return { events, seconds: (performance.now() - started) / 1000 };
  } finally {
    await client.end();
  }
};

const PAGE_WHERE = `(e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint) and e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;
/** readAll's page query over the whole log, as readAll sends it. */
const WHOLE_LOG_PAGE = logPageSql({ select: EVENT_COLUMNS, where: PAGE_WHERE, limit: '1000' });
/** The same page of the hot table alone: what readAll sent before there was an archive. */
const HOT_TABLE_PAGE = `select ${EVENT_COLUMNS} from ${EVENTS_TABLE} e where ${PAGE_WHERE} order by e.transaction_id, e.global_position limit 1000`;

/** Reads the whole log in pages of 1000 with `sql`. */
function readAllWith(sql: string): Measure {
  return async (url) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      let after = { transactionId: '0', globalPosition: 0 };
      let events = 0;
      const started = performance.now();
      for (;;) {
        const { rows } = await client.query<{ transaction_id: string; global_position: string }>(sql, [after.transactionId, after.globalPosition]);
        if (rows.length === 0) break;
        events += rows.length;
        const last = rows[rows.length - 1]!;
        after = { transactionId: last.transaction_id, globalPosition: Number(last.global_position) };
      }
      return { events, seconds: (performance.now() - started) / 1000 };
    } finally {
      await client.end();
    }
  };
}

/** The same read after every other stream was archived (not timed): pages then merge both tables. */
function afterArchivingHalf(read: Measure): Measure {
  return async (url, args) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ stream_id: string }>(`select distinct stream_id from ${EVENTS_TABLE} order by stream_id`);
      const half = rows.filter((_, i) => i % 2 === 0).map((r) => r.stream_id);
      await client.query(`select count(*) from ${ARCHIVE_FUNCTION}($1::text[], $2::text[], now())`, [half, [EVENT_TYPE]]);
      await client.query(`vacuum (analyze) ${EVENTS_TABLE}, ${ARCHIVE_TABLE}`);
    } finally {
      await client.end();
    }
    return read(url, args);
  };
}

interface Pair {
  label: string;
  subject: [string, Measure];
  ceiling: [string, Measure];
}

const PAIRS: Pair[] = [
  { label: 'archive closed streams', subject: ['sagaflow_archive_streams', sagaflowArchive], ceiling: ['INSERT … SELECT + DELETE', rawMove] },
  { label: 'readAll, pages of 1000, nothing archived', subject: ['events ∪ events_archive', readAllWith(WHOLE_LOG_PAGE)], ceiling: ['events alone', readAllWith(HOT_TABLE_PAGE)] },
  {
    label: 'readAll, pages of 1000, every other stream archived',
    subject: ['events ∪ events_archive', afterArchivingHalf(readAllWith(WHOLE_LOG_PAGE))],
    ceiling: ['events alone, nothing archived', readAllWith(HOT_TABLE_PAGE)],
  },
];

const bench = benchProcess();
const { log, shutdown } = bench;

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  const postgres = await startBenchPostgres(bench);
  const admin = stockPool(postgres.url, 2);
  shutdown.add(() => admin.end());
  const environment = await describeEnvironment(admin, argv);
  const settle = settler(admin, log);

  const template = 'bench_archive_template';
  shutdown.add(() => dropDatabase(admin, template));
  const templateUrl = await createFreshDatabase(admin, postgres.url, template);
  log(`writing ${args.streams} closed streams of ${args.eventsPerStream} events into ${template}`);
  await seedTemplate(templateUrl, args);
  const fresh = async (): Promise<string> => {
    await admin.query('drop database if exists bench_archive_round with (force)');
    await admin.query(`create database bench_archive_round template ${template}`);
    return withDatabase(postgres.url, 'bench_archive_round');
  };
  shutdown.add(() => dropDatabase(admin, 'bench_archive_round'));

  const rows: string[] = [];
  const ratios: string[] = [];
  for (const pair of PAIRS) {
    const rates: Record<string, number[]> = { [pair.subject[0]]: [], [pair.ceiling[0]]: [] };
    const roundRatios: number[] = [];
    for (let round = 0; round < args.rounds; round++) {
      const order = round % 2 === 0 ? [pair.subject, pair.ceiling] : [pair.ceiling, pair.subject];
      const rate: Record<string, number> = {};
      for (const [name, measure] of order) {
        const url = await fresh();
        await settle();
        const { events, seconds } = await measure(url, args);
        if (events !== args.streams * args.eventsPerStream) throw new Error(`${name} handled ${events} events, the log holds ${args.streams * args.eventsPerStream}`);
        rate[name] = events / seconds;
        rates[name]!.push(rate[name]);
        log(`${pair.label}, round ${round + 1}: ${name} ${Math.round(rate[name])} events/s (${seconds.toFixed(2)} s)`);
      }
      roundRatios.push(rate[pair.subject[0]]! / rate[pair.ceiling[0]]!);
    }
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    rows.push(
      `| ${pair.label} | ${pair.subject[0]} | ${fmt(median(rates[pair.subject[0]]!))} | ${pair.ceiling[0]} | ${fmt(median(rates[pair.ceiling[0]]!))} | ` +
        `${roundRatios.map((r) => `${Math.round(r * 100)}%`).join(', ')} |`,
    );
    ratios.push(`${pair.label}: ${Math.round(median(roundRatios) * 100)}%`);
  }

  const block = [
    '## Archive (`npm run bench:archive`)',
    '',
    ...environmentLines(environment),
    `- command: \`npm run bench:archive -- ${argv.join(' ')}\``.replace(' -- `', '`'),
    `- log: ${args.streams} closed streams × ${args.eventsPerStream} events (${(args.streams * args.eventsPerStream).toLocaleString('en-US')} events), ${args.batchSize} streams per archive transaction; each measurement on a fresh copy of the same database, after a checkpoint; ${args.rounds} rounds, alternating which goes first`,
    '',
    '| row | subject | events/s (median) | ceiling | events/s (median) | subject / ceiling, per round |',
    '| --- | --- | ---: | --- | ---: | ---: |',
    ...rows,
    '',
  ].join('\n');
  process.stdout.write(`${block}\n`);
  log(`medians of the per-round ratios: ${ratios.join('; ')}`);
  if (args.writeResults) writeResults(block);
}

bench.finish(main(process.argv.slice(2)), USAGE);
