import type pg from 'pg';
import type { Checkpoint, ContractRegistry } from '../eventstore';
import { BuildSession, checkBuildOptions, discardScratchBuild, startScratchBuild, type BuildOptionsBase } from './buildSession';
import { baseTables } from './buildTables';
import { lockCatchUp } from './buildState';
import { readCheckpoint } from './checkpoints';
import type { Projection } from './defineProjection';
import { ProjectionCommandError } from './errors';
import { foldCatchUp, foldPartitions, foldRemainder, type BuildTarget, type FoldSettings } from './foldBuild';
import { differingRows, digestTable, keyColumns, type DifferingRow } from './tableDigest';
import { withTransaction } from './transaction';

export interface VerifyOptions extends BuildOptionsBase {
  contracts: ContractRegistry;
  /** At most this many differing rows are listed per table (default 20). */
  maxDifferences?: number;
}

export interface TableVerdict {
  /** The live (versioned) table. */
  table: string;
  key: string[];
  liveRows: number;
  recomputedRows: number;
  /** Slices of the rows (by hash of their key) whose count or hash differ. */
  differingPartitions: number[];
  differences: DifferingRow[];
}

export interface VerifyReport {
  name: string;
  version: number;
  /** The point of the log both sides were compared at. */
  checkpoint: Checkpoint;
  equal: boolean;
  tables: TableVerdict[];
}

const SCRATCH_SUFFIX = 'verify';

/**
 * Recomputes a deployed projection version from the log into scratch tables (the rebuild's
 * partitioned fold) and compares them with its live tables at one point of the log: per slice of
 * rows, their count and a hash of their content; for slices that differ, the differing rows by key.
 * The comparison holds the version's checkpoint row for its duration, so the worker applying it
 * waits and the live tables stand still at that point. The scratch tables are dropped afterwards.
 */
export async function verifyProjection(pool: pg.Pool, projection: Projection, options: VerifyOptions): Promise<VerifyReport> {
  const { partitions, batchSize } = checkBuildOptions(options);
  const { name, version } = projection;
  const session = await BuildSession.open(pool, name, 'verify');
  try {
    const live = await readCheckpoint(pool, name, version);
    if (!live) throw new ProjectionCommandError(`projection ${name} v${version} is not deployed: nothing to verify`);
    if (live.status === 'rebuilding') throw new ProjectionCommandError(`projection ${name} v${version} is being rebuilt: verify it once the rebuild has swapped it in`);
    // The live checkpoint is a gap-safe point: everything up to it is committed for good.
    const { build, tables } = await startScratchBuild(pool, projection, 'verify', SCRATCH_SUFFIX, live.checkpoint, partitions);
    try {
      const target: BuildTarget = { projection, tables, build };
      let done = 0;
      const settings: FoldSettings = {
        pool,
        contracts: options.contracts,
        batchSize,
        onPage: (events) => options.onProgress?.({ phase: 'partitions', done: (done += events), total: build.eventsToBound }),
      };
      await foldPartitions(target, settings);
      // Most of what the worker applied meanwhile is folded before the live tables are held still.
      const now = await readCheckpoint(pool, name, version);
      if (now) await foldCatchUp(target, { ...settings, onPage: undefined }, now.checkpoint);
      options.onProgress?.({ phase: 'validate', done: 0, total: 1 });
      return await withTransaction(pool, async (tx) => {
        const held = await readCheckpoint(tx, name, version, true);
        if (!held) throw new ProjectionCommandError(`projection ${name} v${version} was removed during the verify`);
        const at = (await lockCatchUp(tx, name, 'verify'))!;
        await foldRemainder(tx, target, settings, at, held.checkpoint);
        const verdicts = await compareTables(tx, projection, tables, partitions, options.maxDifferences ?? 20);
        return { name, version, checkpoint: held.checkpoint, equal: verdicts.every((v) => v.differingPartitions.length === 0), tables: verdicts };
      });
    } finally {
      await discardScratchBuild(pool, projection, 'verify', SCRATCH_SUFFIX);
    }
  } finally {
    await session.close();
  }
}

async function compareTables(tx: pg.PoolClient, projection: Projection, scratch: Record<string, string>, partitions: number, maxDifferences: number): Promise<TableVerdict[]> {
  const liveTables = new Set(await baseTables(tx, Object.values(projection.tableNames)));
  const verdicts: TableVerdict[] = [];
  for (const [base, live] of Object.entries<string>(projection.tableNames)) {
    if (!liveTables.has(live)) continue;
    const recomputed = scratch[base]!;
    const key = await keyColumns(tx, live);
    const [a, b] = [await digestTable(tx, live, key, partitions), await digestTable(tx, recomputed, key, partitions)];
    const differing = a.filter((slice, i) => slice.rows !== b[i]!.rows || slice.hash !== b[i]!.hash).map((slice) => slice.partition);
    verdicts.push({
      table: live,
      key,
      liveRows: a.reduce((sum, slice) => sum + slice.rows, 0),
      recomputedRows: b.reduce((sum, slice) => sum + slice.rows, 0),
      differingPartitions: differing,
      differences: differing.length > 0 ? await differingRows(tx, live, recomputed, key, { partitions, differing }, maxDifferences) : [],
    });
  }
  return verdicts;
}
