/**
 * `npm run bench:eventstore`: sagaflow's event store against Emmett's PostgreSQL store and the raw
 * SQL ceiling, on identical payloads, in one run against one PostgreSQL server. The report goes to
 * stdout (and bench/RESULTS.md with --write-results); progress goes to stderr.
 */
import { parseArgs, USAGE } from './lib/args';
import { createFreshDatabase, dropDatabase, settler } from './lib/databases';
import { collectGarbage } from './lib/gc';
import { describeEnvironment } from './lib/environment';
import { payloadSizes } from './lib/payloads';
import { stockPool } from './lib/pools';
import { writeResults } from './lib/results';
import { ROWS } from './lib/rows';
import { emmettSubject } from './lib/subjects/emmett';
import { rawSubject } from './lib/subjects/raw';
import { encryptedSubject, sagaflowSubject, unguardedSubject, unkeyedSubject, unqueuedSubject } from './lib/subjects/sagaflow';
import type { Subject, SubjectName } from './lib/subjects/subject';
import { renderReport, type RoundResult, type RowResult } from './lib/table';
import { benchProcess, startBenchPostgres } from './lib/benchProcess';
import { cpuMeter } from './lib/cpuMeter';

const SUBJECTS: Record<SubjectName, Subject> = { sagaflow: sagaflowSubject, emmett: emmettSubject, raw: rawSubject, unguarded: unguardedSubject, unkeyed: unkeyedSubject, unqueued: unqueuedSubject, encrypted: encryptedSubject };

const bench = benchProcess();
const { log, shutdown } = bench;

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const postgres = await startBenchPostgres(bench);

  const admin = stockPool(postgres.url, 2);
  shutdown.add(() => admin.end());
  const environment = await describeEnvironment(admin, argv);
  const settle = settler(admin, log);
  const meter = cpuMeter(postgres.dataDir);

  const subjects = args.subjects.map((name) => SUBJECTS[name]);
  const urls = new Map<SubjectName, string>();
  for (const subject of subjects) {
    const database = `bench_eventstore_${subject.name}`;
    const url = await createFreshDatabase(admin, postgres.url, database);
    shutdown.add(() => dropDatabase(admin, database));
    log(`${subject.name}: creating its schema in ${database}`);
    await subject.prepare(url);
    urls.set(subject.name, url);
  }

  const results: RowResult[] = [];
  /** A read-count note and the rounds it held in. */
  const notes = new Map<string, number[]>();
  let written = 0;
  const sizes = { data: 0, metadata: 0, events: 0 };
  for (const index of args.rows) {
    const spec = ROWS[index]!;
    const rounds: RoundResult[] = [];
    let label = '';
    for (let round = 0; round < args.rounds; round++) {
      const row = spec.plan(args.scale, round);
      label = row.label;
      const rowSizes = payloadSizes(row.measuredEvents);
      sizes.data += rowSizes.data * row.measuredEvents.length;
      sizes.metadata += rowSizes.metadata * row.measuredEvents.length;
      sizes.events += row.measuredEvents.length;
      const result: RoundResult = { bySubject: {}, cpuBySubject: {} };
      // Rotate who goes first from row to row and round to round: settling before each measurement
      // takes away the server's known leftovers (autovacuum, dirty pages), and rotating spreads what remains.
      const order = subjects.map((_, i) => subjects[(i + index + round) % subjects.length]!);
      const roundTag = args.rounds > 1 ? ` (round ${round + 1}/${args.rounds})` : '';
      for (const subject of order) {
        const session = await subject.open(urls.get(subject.name)!, row.concurrency + 1);
        try {
          // The clock starts after the warm-up and its checkpoint, as the row's measurement does.
          let started: ReturnType<typeof meter.start> | undefined;
          const m = await row.run(session, async () => {
            await settle();
            collectGarbage(log);
            started = meter.start();
          });
          result.bySubject[subject.name] = m;
          result.cpuBySubject[subject.name] = started?.perEvent(m.events);
          log(
            `[${index + 1}/${ROWS.length}] ${row.label}${roundTag} — ${subject.name}: ${Math.round(m.eventsPerSecond)} events/s, ` +
              `p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms (${m.calls} calls, ${m.seconds.toFixed(1)} s)`,
          );
        } finally {
          await session.close();
        }
      }
      rounds.push(result);
      written += row.eventsWritten;
      if (row.readsWholeLog) {
        // Every store must hand back exactly what the rows wrote.
        for (const subject of subjects) {
          const read = result.bySubject[subject.name]?.events;
          if (read === undefined || read === written) continue;
          const caveat = subject.readCountCaveat ? ` (${subject.readCountCaveat})` : '';
          const note = `${subject.name} read ${read.toLocaleString('en-US')} events; the rows wrote ${written.toLocaleString('en-US')}${caveat}`;
          // The same shortfall in every round is one note, naming its rounds.
          notes.set(note, [...(notes.get(note) ?? []), round + 1]);
        }
      }
    }
    results.push({ label, rounds });
  }

  const n = Math.max(sizes.events, 1);
  const block = renderReport({
    environment,
    subjects: args.subjects,
    rounds: args.rounds,
    payload: { data: Math.round(sizes.data / n), metadata: Math.round(sizes.metadata / n) },
    rows: results,
    notes: [...notes].map(([note, inRounds]) => (args.rounds > 1 ? `${note}; rounds ${inRounds.join(', ')} of ${args.rounds}` : note)),
  });
  await new Promise<void>((resolve, reject) => process.stdout.write(`${block}\n`, (error) => (error ? reject(error) : resolve())));
  if (args.writeResults) {
    writeResults(block);
    log('written to bench/RESULTS.md');
  }
}

bench.finish(main(process.argv.slice(2)), USAGE);
