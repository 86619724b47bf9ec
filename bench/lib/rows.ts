import { runCalls, runUntilEmpty, type Measurement, type Worker } from './measure';
import { benchEvents, Rng, streamId, type BenchEvent } from './payloads';
import type { SubjectSession } from './subjects/subject';

/** Not counted: fills pools, plan caches and the server's buffers before the clock starts. */
const WARMUP_CALLS = 200;
const IMPORT_WARMUP_STREAMS = 2;
const IMPORT_STREAM_LENGTH = 1000;
const READ_WARMUP_PAGES = 3;
const PAGE_SIZE = 1000;

/** A row's workload, generated once and replayed against every subject. */
export interface PlannedRow {
  label: string;
  concurrency: number;
  /** Events the row leaves in each subject's database, warm-up included. */
  eventsWritten: number;
  /** True for the read row: its measured event count must equal everything written before it. */
  readsWholeLog: boolean;
  /** What the measured calls write, for the payload sizes in the report. */
  measuredEvents: readonly BenchEvent[];
  /** `settle` runs between warm-up and measurement (a checkpoint), so no subject inherits another's dirty pages. */
  run(session: SubjectSession, settle: () => Promise<void>): Promise<Measurement>;
}

export interface RowSpec {
  /** Round 0 is the row's original workload; each later round new streams and payloads, from its own seed. */
  plan(scale: number, round: number): PlannedRow;
}

/** Round 0 keeps the seed rows always had, so a one-round run writes the same bytes as before rounds existed. */
function seed(label: string, round: number): Rng {
  return new Rng(round === 0 ? label : `${label}, round ${round + 1}`);
}

function scaled(base: number, scale: number, atLeast: number): number {
  return Math.max(atLeast, Math.round(base * scale));
}

/** Variant A: every call creates a stream (expected: no stream). */
function appendToNewStreams(concurrency: number, baseCalls: number): RowSpec {
  const label = `append 1 event to a new stream, c=${concurrency}`;
  return {
    plan(scale, round) {
      const rng = seed(label, round);
      const call = () => ({ streamId: streamId(rng), events: benchEvents(rng, 1) });
      const warmup = Array.from({ length: WARMUP_CALLS }, call);
      const measured = Array.from({ length: scaled(baseCalls, scale, concurrency) }, call);
      return {
        label,
        concurrency,
        eventsWritten: warmup.length + measured.length,
        readsWholeLog: false,
        measuredEvents: measured.flatMap((c) => c.events),
        async run(session, settle) {
          const append: Worker<(typeof measured)[number]> = async (c) => {
            await session.append(c.streamId, c.events, 0);
            return c.events.length;
          };
          const workers = Array.from({ length: concurrency }, () => append);
          await runCalls(workers, warmup);
          await settle();
          return runCalls(workers, measured);
        },
      };
    },
  };
}

/** Variant B: each writer owns a stream and appends at expected version n, n+k, n+2k, ... */
function appendToOwnStream(concurrency: number, eventsPerCall: number, baseCalls: number): RowSpec {
  const label = `append ${eventsPerCall} event${eventsPerCall === 1 ? '' : 's'} at n+1, c=${concurrency}`;
  return {
    plan(scale, round) {
      const rng = seed(label, round);
      const streams = Array.from({ length: concurrency }, () => streamId(rng));
      const warmup = Array.from({ length: Math.max(WARMUP_CALLS, concurrency) }, () => benchEvents(rng, eventsPerCall));
      const measured = Array.from({ length: scaled(baseCalls, scale, concurrency) }, () => benchEvents(rng, eventsPerCall));
      return {
        label,
        concurrency,
        eventsWritten: (warmup.length + measured.length) * eventsPerCall,
        readsWholeLog: false,
        measuredEvents: measured.flat(),
        async run(session, settle) {
          const workers = streams.map((stream): Worker<BenchEvent[]> => {
            let version = 0;
            return async (events) => {
              await session.append(stream, events, version);
              version += events.length;
              return events.length;
            };
          });
          // Each writer's first append creates its stream, so every measured call is an n+1 append.
          await Promise.all(workers.map((write, w) => write(warmup[w]!)));
          await runCalls(workers, warmup.slice(concurrency));
          await settle();
          return runCalls(workers, measured);
        },
      };
    },
  };
}

/**
 * Variant C: writers share a few streams and append with no expected version ('any'), so they race
 * for each next version. sagaflow reads the stream again inside the append; the others retry the
 * call after a conflict. Measures what "never fails while its condition holds" costs.
 */
function appendAnyVersionToSharedStreams(streams: number, concurrency: number, baseCalls: number): RowSpec {
  const label = `append 1 event, any version, ${streams} streams × ${concurrency / streams} writers`;
  return {
    plan(scale, round) {
      const rng = seed(label, round);
      const shared = Array.from({ length: streams }, () => streamId(rng));
      const warmup = Array.from({ length: WARMUP_CALLS }, () => benchEvents(rng, 1));
      const measured = Array.from({ length: scaled(baseCalls, scale, concurrency) }, () => benchEvents(rng, 1));
      return {
        label,
        concurrency,
        eventsWritten: streams + warmup.length + measured.length,
        readsWholeLog: false,
        measuredEvents: measured.flat(),
        async run(session, settle) {
          await Promise.all(shared.map((stream) => session.append(stream, benchEvents(rng, 1), 0)));
          const workers = Array.from({ length: concurrency }, (_, w): Worker<BenchEvent[]> => async (events) => {
            await session.appendAnyVersion(shared[w % streams]!, events);
            return events.length;
          });
          await runCalls(workers, warmup);
          await settle();
          return runCalls(workers, measured);
        },
      };
    },
  };
}

function bulkImport(baseStreams: number): RowSpec {
  return {
    plan(scale, round) {
      const streams = scaled(baseStreams, scale, 1);
      const label = `bulk import, ${streams} streams × ${IMPORT_STREAM_LENGTH} events`;
      const rng = seed('bulk import', round);
      const stream = () => ({ streamId: streamId(rng), events: benchEvents(rng, IMPORT_STREAM_LENGTH) });
      const warmup = Array.from({ length: IMPORT_WARMUP_STREAMS }, stream);
      const measured = Array.from({ length: streams }, stream);
      return {
        label,
        concurrency: 1,
        eventsWritten: (warmup.length + measured.length) * IMPORT_STREAM_LENGTH,
        readsWholeLog: false,
        measuredEvents: measured.flatMap((s) => s.events),
        async run(session, settle) {
          const load: Worker<(typeof measured)[number]> = async (s) => {
            await session.importStream(s.streamId, s.events);
            return s.events.length;
          };
          await runCalls([load], warmup);
          await settle();
          return runCalls([load], measured);
        },
      };
    },
  };
}

/** Runs last: reads everything the rows before it wrote. */
function readEverything(): RowSpec {
  return {
    plan() {
      return {
        label: `readAll, pages of ${PAGE_SIZE}`,
        concurrency: 1,
        eventsWritten: 0,
        readsWholeLog: true,
        measuredEvents: [],
        async run(session, settle) {
          const warm = session.allReader(PAGE_SIZE);
          for (let page = 0; page < READ_WARMUP_PAGES; page++) await warm();
          await settle();
          return runUntilEmpty(session.allReader(PAGE_SIZE));
        },
      };
    },
  };
}

/** Counts at --scale 1; the whole run takes a few minutes on 2 cores. */
export const ROWS: readonly RowSpec[] = [
  appendToNewStreams(1, 2000),
  appendToNewStreams(8, 4000),
  appendToNewStreams(32, 8000),
  appendToOwnStream(1, 1, 2000),
  appendToOwnStream(8, 1, 4000),
  appendToOwnStream(32, 1, 8000),
  appendToOwnStream(8, 10, 2000),
  appendAnyVersionToSharedStreams(2, 16, 4000),
  bulkImport(200),
  readEverything(),
];
