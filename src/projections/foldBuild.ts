import type pg from 'pg';
import { compareCheckpoints, readAll, type Checkpoint, type ContractRegistry, type ReadAllPage } from '../eventstore';
import { applyEvents } from './applyBatch';
import { advanceCatchUp, advancePartition, lockCatchUp, lockPartition, type BuildState } from './buildState';
import type { Projection, TableNames } from './defineProjection';
import { ProjectionError } from './errors';
import { readRange } from './logRange';
import { withTransaction } from './transaction';

/** What a build folds the log into: the projection's handler over a set of its tables. */
export interface BuildTarget {
  projection: Projection;
  tables: TableNames<string>;
  build: BuildState;
}

export interface FoldSettings {
  pool: pg.Pool;
  contracts: ContractRegistry;
  /** Events per read and per write transaction. */
  batchSize: number;
  /** Called after each committed page with the number of events it covered. */
  onPage?: (events: number) => void;
  /** Test seam: runs after a partition's page (or its whole SQL fold) has committed, with the events it covered. */
  afterPartitionPage?: (partition: number, events: number) => void | Promise<void>;
}

/**
 * Folds the log up to the build's bound, one loop per partition, all at once: each partition reads
 * its streams' events in global order (so each stream's events in its order) and applies each page
 * and moves its own checkpoint in one transaction. Resumes each partition from its checkpoint.
 */
export async function foldPartitions(target: BuildTarget, settings: FoldSettings): Promise<void> {
  const { build } = target;
  const count = build.partitions.length;
  const failures: unknown[] = [];
  await Promise.all(
    build.partitions.map(async ({ partition, checkpoint }) => {
      let at = checkpoint;
      // One failing partition stops the others at their next page: the build reports the first failure.
      while (failures.length === 0 && compareCheckpoints(at, build.bound) < 0) {
        try {
          const page = await readRange(settings.pool, settings.contracts, {
            after: at,
            upTo: build.bound,
            eventTypes: target.projection.eventTypes,
            limit: settings.batchSize,
            partition: { index: partition, count },
          });
          // An empty page means no more of this partition's events up to the bound.
          const to = page.events.length === 0 ? build.bound : page.checkpoint;
          await withTransaction(settings.pool, async (tx) => {
            const current = await lockPartition(tx, build.name, build.purpose, partition);
            if (!current || compareCheckpoints(current, at) !== 0) throw movedUnder(build, `partition ${partition}`);
            await applyEvents(tx, target.projection, target.tables, page.events);
            await advancePartition(tx, build.name, build.purpose, partition, to, page.events.length);
          });
          at = to;
          settings.onPage?.(page.events.length);
          if (page.events.length > 0) await settings.afterPartitionPage?.(partition, page.events.length);
        } catch (error) {
          failures.push(error);
        }
      }
    }),
  );
  if (failures.length > 0) throw failures[0];
}

/**
 * After the partitions: folds the log in one stream from where the build stands, up to `upTo`, or
 * to the gap-safe tip of the moment when `upTo` is 'tip'. Each page and the build's position move in
 * one transaction. Returns where the build stands.
 */
export async function foldCatchUp(target: BuildTarget, settings: FoldSettings, upTo: Checkpoint | 'tip'): Promise<Checkpoint> {
  const { build } = target;
  for (;;) {
    const done = await withTransaction(settings.pool, async (tx) => {
      const at = await lockCatchUp(tx, build.name, build.purpose);
      if (!at) throw movedUnder(build, 'its catch-up');
      const page = await readCatchUpPage(tx, target, settings, at, upTo);
      if (page.events.length === 0) return { at, events: 0 };
      await applyEvents(tx, target.projection, target.tables, page.events);
      await advanceCatchUp(tx, build.name, build.purpose, page.checkpoint);
      return { at: page.checkpoint, events: page.events.length };
    });
    if (done.events === 0) return done.at;
    settings.onPage?.(done.events);
  }
}

/** Folds what remains up to `upTo` (or the tip) inside the caller's transaction; returns where it ends. */
export async function foldRemainder(tx: pg.PoolClient, target: BuildTarget, settings: FoldSettings, from: Checkpoint, upTo: Checkpoint | 'tip'): Promise<{ at: Checkpoint; events: number }> {
  let at = from;
  let events = 0;
  for (;;) {
    const page = await readCatchUpPage(tx, target, settings, at, upTo);
    if (page.events.length === 0) return { at, events };
    await applyEvents(tx, target.projection, target.tables, page.events);
    at = page.checkpoint;
    events += page.events.length;
  }
}

function readCatchUpPage(db: pg.PoolClient, target: BuildTarget, settings: FoldSettings, after: Checkpoint, upTo: Checkpoint | 'tip'): Promise<ReadAllPage> {
  const eventTypes = target.projection.eventTypes;
  return upTo === 'tip'
    ? readAll(db, settings.contracts, { after, limit: settings.batchSize, eventTypes: [...eventTypes] })
    : readRange(db, settings.contracts, { after, upTo, eventTypes, limit: settings.batchSize });
}

function movedUnder(build: BuildState, what: string): ProjectionError {
  return new ProjectionError(`the ${build.purpose} of ${build.name} v${build.version}: ${what} moved under this process; is another one running it?`);
}
