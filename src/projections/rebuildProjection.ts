import type pg from 'pg';
import { compareCheckpoints, START, type Checkpoint, type ContractRegistry } from '../eventstore';
import { activateVersion, activeVersionOf } from './activeVersion';
import { BuildSession, checkBuildOptions, discardScratchBuild, startScratchBuild, type BuildOptionsBase, type BuildProgress } from './buildSession';
import { dropRelations, renameRelations, scratchTableNames, truncateTables } from './buildTables';
import { createBuild, deleteBuild, lockCatchUp, readBuild, type BuildState } from './buildState';
import { readCheckpoint } from './checkpoints';
import type { Projection, TableNames } from './defineProjection';
import { ProjectionCommandError, ProjectionSetupChangedError } from './errors';
import { foldCatchUp, foldPartitions, foldRemainder, type BuildTarget, type FoldSettings } from './foldBuild';
import { countRange, eventsInSurvey, gapSafeTip, surveyRange, type LogSurvey } from './logRange';
import { setupHashOf } from './setupProjection';
import { foldPartitionsInSql, planSqlFold, type FoldChoice } from './sqlFold';
import { CHECKPOINTS_TABLE, THROUGHPUT_TABLE, versionedTableName } from './tables';
import { withTransaction } from './transaction';
import { verifyProjection, type VerifyReport } from './verifyProjection';

export interface RebuildOptions extends BuildOptionsBase {
  contracts: ContractRegistry;
  /** Leave the replaced tables in place, unvalidated (default: validate, then drop them). */
  keepOld?: boolean;
  /**
   * auto (the default): partitions are folded by the projection's `foldInSql` statements when it
   * declares them and the log allows it (see `planSqlFold`), else through `apply`; handler: always through `apply`.
   */
  fold?: FoldChoice;
  log?: (line: string) => void;
  /** Test seam: runs after each partition page has committed. */
  afterPartitionPage?: FoldSettings['afterPartitionPage'];
}

/**
 * new-version: the code's version is newer than the active one (or none is active): it is built into
 * its own tables and made active. replace: the code's version is the active one: it is built into
 * scratch tables that replace the live ones under the same names.
 */
export type RebuildMode = 'new-version' | 'replace';

export interface RebuildReport {
  name: string;
  version: number;
  mode: RebuildMode;
  /** The version active before, if any. */
  previousVersion: number | undefined;
  /** True when it carried on an interrupted rebuild from its partition checkpoints. */
  resumed: boolean;
  /** How this run folded the partitions: those done by the projection's statements, and why the others went through `apply`. */
  fold: { sqlPartitions: number[]; handlerReason: string | undefined };
  /** Where the rebuilt tables stood when readers were switched to them. */
  checkpoint: Checkpoint;
  /** Events of the projection's types up to that point. */
  events: number;
  /** prepare: the bound fixed, the tables set up and the events to it counted; the rest, the steps above. */
  durationsMs: { prepare: number; partitions: number; catchUp: number; swap: number; validate: number };
  /** The verify of the new tables, when the old ones were to be dropped. */
  validation: VerifyReport | undefined;
  /** The replaced tables, and whether they were dropped (kept on --keep-old or a failed validation). */
  oldTables: string[];
  oldTablesDropped: boolean;
}

const REPLACE_SUFFIX = 'rebuild';
const RETIRED_SUFFIX = 'retired';

/**
 * Rebuilds a projection from the whole log without stopping readers or the worker applying the
 * active version:
 * 1. fixes a bound, the gap-safe tip of the log now, and folds the log up to it in K partitions by
 *    hash of stream id, each with its own checkpoint (a crash resumes each where it stopped): by the
 *    projection's set-based statements where it has them, else page by page through `apply`;
 * 2. catches up in one stream from the bound to the tip;
 * 3. in one transaction, folds what is left and switches readers to the new tables;
 * 4. verifies the new tables against a fresh recomputation and drops the replaced ones if equal.
 * See RebuildMode for which tables it builds.
 */
export async function rebuildProjection(pool: pg.Pool, projection: Projection, options: RebuildOptions): Promise<RebuildReport> {
  const { partitions, batchSize } = checkBuildOptions(options);
  const { name, version } = projection;
  const log = options.log ?? (() => undefined);
  const session = await BuildSession.open(pool, name, 'rebuild');
  try {
    const previousVersion = await activeVersionOf(pool, name);
    if (previousVersion !== undefined && version < previousVersion) {
      throw new ProjectionCommandError(`projection ${name}: the code is at v${version} but v${previousVersion} is active; rebuild with the code of v${previousVersion} or later`);
    }
    const mode: RebuildMode = previousVersion === version ? 'replace' : 'new-version';
    if (mode === 'new-version' && !(await session.lockVersion(name, version))) {
      throw new ProjectionCommandError(
        `projection ${name} v${version} is being applied by a worker; stop the workers running v${version} (started again, they wait while the rebuild runs) and run the rebuild again`,
      );
    }

    const timer = stopwatch();
    const prepared = await prepareBuild(pool, projection, mode, partitions, log);
    const prepareMs = timer();
    const { build, tables, resumed, survey } = prepared;
    let target: BuildTarget = { projection, tables, build };
    let done = build.partitions.reduce((sum, p) => sum + p.eventsDone, 0);
    const progress = (phase: BuildProgress['phase'], total: number) => (events: number) => options.onProgress?.({ phase, done: (done += events), total });
    const settings: FoldSettings = {
      pool,
      contracts: options.contracts,
      batchSize,
      onPage: progress('partitions', build.eventsToBound),
      ...(options.afterPartitionPage ? { afterPartitionPage: options.afterPartitionPage } : {}),
    };
    options.onProgress?.({ phase: 'partitions', done, total: build.eventsToBound });

    const plan = await planSqlFold(pool, target, options.contracts, options.fold ?? 'auto', survey);
    if (plan.partitions.length > 0) log(`folding partitions ${plan.partitions.join(', ')} with the projection's SQL statements`);
    if (plan.handlerReason) log(`folding through apply: ${plan.handlerReason}`);
    target = { ...target, build: await foldPartitionsInSql(target, settings, plan) };
    await foldPartitions(target, settings);
    const partitionsMs = timer();
    await foldCatchUp(target, { ...settings, onPage: progress('catch-up', build.eventsToBound) }, 'tip');
    const catchUpMs = timer();
    options.onProgress?.({ phase: 'swap', done, total: build.eventsToBound });
    const swapped = await withTransaction(pool, (tx) => (mode === 'replace' ? swapByRenaming(tx, target, settings) : activateNewVersion(tx, target, settings)));
    const swapMs = timer();
    if (mode === 'new-version') await session.unlockVersion(name, version);
    log(`projection ${name} v${version}: readers see the rebuilt tables, at global position ${swapped.checkpoint.globalPosition}`);

    const oldTables =
      mode === 'replace'
        ? Object.values(projection.tableNames).map((table) => `${table}_${RETIRED_SUFFIX}`)
        : previousVersion !== undefined
          ? projection.tables.map((table) => versionedTableName(table, previousVersion))
          : [];
    let validation: VerifyReport | undefined;
    let oldTablesDropped = false;
    if (!options.keepOld) {
      options.onProgress?.({ phase: 'validate', done: 0, total: 1 });
      validation = await verifyProjection(pool, projection, { contracts: options.contracts, partitions, batchSize });
      if (validation.equal) {
        await dropOldTables(pool, name, mode, previousVersion, oldTables);
        oldTablesDropped = true;
      }
    }
    return {
      name,
      version,
      mode,
      previousVersion,
      resumed,
      fold: { sqlPartitions: plan.partitions, handlerReason: plan.handlerReason },
      checkpoint: swapped.checkpoint,
      events: swapped.events,
      durationsMs: { prepare: prepareMs, partitions: partitionsMs, catchUp: catchUpMs, swap: swapMs, validate: timer() },
      validation,
      oldTables,
      oldTablesDropped,
    };
  } finally {
    await session.close();
  }
}

/**
 * The interrupted build of this version and mode when there is one, else a new one from position 0
 * with the survey of the log that counted its events.
 */
async function prepareBuild(
  pool: pg.Pool,
  projection: Projection,
  mode: RebuildMode,
  partitions: number,
  log: (line: string) => void,
): Promise<{ build: BuildState; tables: TableNames<string>; resumed: boolean; survey?: LogSurvey }> {
  const { name, version } = projection;
  const suffix = mode === 'replace' ? REPLACE_SUFFIX : null;
  const earlier = await readBuild(pool, name, 'rebuild');
  if (earlier && earlier.version === version && earlier.scratchSuffix === suffix && (suffix !== null || (await readCheckpoint(pool, name, version))?.status === 'rebuilding')) {
    if (earlier.partitions.length !== partitions) log(`resuming with the ${earlier.partitions.length} partitions the rebuild was started with`);
    return { build: earlier, tables: suffix ? scratchTableNames(projection, suffix) : projection.tableNames, resumed: true };
  }
  if (earlier?.scratchSuffix) await discardScratchBuild(pool, projection, 'rebuild', earlier.scratchSuffix);
  else if (earlier) await deleteBuild(pool, name, 'rebuild');

  const bound = (await gapSafeTip(pool)) ?? START;
  if (suffix) return { ...(await startScratchBuild(pool, projection, 'rebuild', suffix, bound, partitions)), resumed: false };
  return { ...(await startVersionBuild(pool, projection, bound, partitions)), tables: projection.tableNames, resumed: false };
}

/**
 * Readies a new version's own tables for a rebuild: created by its DDL, or emptied when a worker had
 * begun building them one batch at a time. Its checkpoint is marked rebuilding, so workers leave it
 * alone even if this process dies and its locks go.
 */
async function startVersionBuild(pool: pg.Pool, projection: Projection, bound: Checkpoint, partitions: number): Promise<{ build: BuildState; survey: LogSurvey }> {
  const { name, version } = projection;
  const setupHash = setupHashOf(projection);
  return withTransaction(pool, async (tx) => {
    await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`sagaflow.projection-setup:${name}`]);
    const { rows } = await tx.query<{ setup_hash: string }>(`select setup_hash from ${CHECKPOINTS_TABLE} where name = $1 and version = $2 for update`, [name, version]);
    const existing = rows[0];
    if (existing && existing.setup_hash !== setupHash) throw new ProjectionSetupChangedError(name, version);
    if (existing) await truncateTables(tx, Object.values(projection.tableNames));
    else await tx.query(projection.setup(projection.tableNames));
    await tx.query(
      `insert into ${CHECKPOINTS_TABLE} (name, version, event_types, setup_hash, status) values ($1, $2, $3, $4, 'rebuilding')
       on conflict (name, version) do update
         set transaction_id = '0', global_position = 0, status = 'rebuilding', events_applied = 0, event_types = excluded.event_types,
             last_error = null, failed_event_id = null, failed_transaction_id = null, failed_global_position = null, failed_attempts = null,
             updated_at = now()`,
      [name, version, projection.eventTypes, setupHash],
    );
    const survey = await surveyRange(tx, bound, projection.eventTypes, partitions);
    const build = await createBuild(tx, { name, version, purpose: 'rebuild', scratchSuffix: null, partitions, bound, eventsToBound: eventsInSurvey(survey) });
    return { build, survey };
  });
}

/** Folds the last events up to the tip and makes the new version the one readers see, in the caller's transaction. */
async function activateNewVersion(tx: pg.PoolClient, target: BuildTarget, settings: FoldSettings): Promise<{ checkpoint: Checkpoint; events: number }> {
  const { projection } = target;
  await readCheckpoint(tx, projection.name, projection.version, true);
  const from = (await lockCatchUp(tx, projection.name, 'rebuild'))!;
  const { at } = await foldRemainder(tx, target, settings, from, 'tip');
  const events = await eventsUpTo(tx, target, at);
  await moveCheckpoint(tx, projection, at, events);
  await activateVersion(tx, projection);
  await deleteBuild(tx, projection.name, 'rebuild');
  return { checkpoint: at, events };
}

/**
 * Replaces the active version's tables by the rebuilt ones, in the caller's transaction. The live
 * checkpoint row is locked first, so the worker applying the version waits, and the rebuilt tables
 * are brought to exactly its position (or, if they are ahead, the checkpoint to theirs) before the
 * names change hands. Readers block on the renames for the instant of the commit and then see the
 * new tables whole.
 */
async function swapByRenaming(tx: pg.PoolClient, target: BuildTarget, settings: FoldSettings): Promise<{ checkpoint: Checkpoint; events: number }> {
  const { projection, tables } = target;
  const live = await readCheckpoint(tx, projection.name, projection.version, true);
  if (!live) throw new ProjectionCommandError(`projection ${projection.name} v${projection.version} was removed during the rebuild`);
  const built = (await lockCatchUp(tx, projection.name, 'rebuild'))!;
  let at = built;
  if (compareCheckpoints(live.checkpoint, built) > 0) at = (await foldRemainder(tx, target, settings, built, live.checkpoint)).at;
  const events = await eventsUpTo(tx, target, at);
  if (compareCheckpoints(at, live.checkpoint) > 0 || live.status !== 'running') await moveCheckpoint(tx, projection, at, events);

  // Readers lock a stable view before its table; taking them in that order too (LOCK on a view
  // locks what it reads) makes readers wait here instead of deadlocking with the renames.
  const { rows: views } = await tx.query<{ name: string }>(`select name from unnest($1::text[]) as name where to_regclass(quote_ident(name)) is not null`, [projection.tables]);
  if (views.length > 0) await tx.query(`lock table ${views.map((view) => tx.escapeIdentifier(view.name)).join(', ')} in access exclusive mode`);
  const current = Object.values(projection.tableNames);
  const retired = current.map((table) => `${table}_${RETIRED_SUFFIX}`);
  await dropRelations(tx, retired);
  await renameRelations(tx, current, retired);
  await renameRelations(tx, Object.values(tables), current);
  await activateVersion(tx, projection); // the stable views follow the tables they were made on: point them at the new ones
  await deleteBuild(tx, projection.name, 'rebuild');
  return { checkpoint: at, events };
}

/**
 * The events of the projection's types up to `at`: those to the bound, counted when the build
 * began, plus the few after it, so the swap transaction (which holds the checkpoint row that the
 * worker waits on) does not count the whole log again.
 */
async function eventsUpTo(tx: pg.PoolClient, { projection, build }: BuildTarget, at: Checkpoint): Promise<number> {
  return build.eventsToBound + (await countRange(tx, build.bound, at, projection.eventTypes));
}

/** Sets a version's checkpoint to where its rebuilt tables stand and lets the workers run it. */
async function moveCheckpoint(tx: pg.PoolClient, projection: Projection, at: Checkpoint, events: number): Promise<void> {
  await tx.query(
    `update ${CHECKPOINTS_TABLE}
        set transaction_id = $3::text::xid8, global_position = $4, events_applied = $5, status = 'running',
            last_error = null, failed_event_id = null, failed_transaction_id = null, failed_global_position = null, failed_attempts = null,
            updated_at = now()
      where name = $1 and version = $2`,
    [projection.name, projection.version, at.transactionId, at.globalPosition, events],
  );
}

async function dropOldTables(pool: pg.Pool, name: string, mode: RebuildMode, previousVersion: number | undefined, tables: readonly string[]): Promise<void> {
  await withTransaction(pool, async (tx) => {
    // A worker still running the old version locks its checkpoint row, then writes its tables. Taken
    // in that order here too, a batch in flight finishes first; dropping the tables first deadlocks with it.
    if (mode === 'new-version' && previousVersion !== undefined) await readCheckpoint(tx, name, previousVersion, true);
    await dropRelations(tx, tables);
    if (mode === 'new-version' && previousVersion !== undefined) {
      // The old version is gone for good: a worker still running its code finds no checkpoint and says so.
      await tx.query(`delete from ${CHECKPOINTS_TABLE} where name = $1 and version = $2`, [name, previousVersion]);
      await tx.query(`delete from ${THROUGHPUT_TABLE} where name = $1 and version = $2`, [name, previousVersion]);
    }
  });
}

function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = now - last;
    last = now;
    return Math.round(elapsed);
  };
}
