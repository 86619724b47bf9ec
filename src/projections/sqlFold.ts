import type pg from 'pg';
import { compareCheckpoints, START, type ContractRegistry } from '../eventstore';
import { LOG_VIEW } from '../eventstore/tables';
import { advancePartition, lockPartition, type BuildState } from './buildState';
import type { BuildTarget, FoldSettings } from './foldBuild';
import { ProjectionError } from './errors';
import { partitionOfSql, surveyRange, type LogSurvey } from './logRange';
import { SKIPPED_EVENTS_TABLE } from './tables';
import { withTransaction } from './transaction';

/** auto: fold in SQL where the projection declares how and the log allows it; handler: always through `apply`. */
export type FoldChoice = 'auto' | 'handler';

export interface SqlFoldPlan {
  /** Partitions folded by the projection's own statements, each in one transaction. */
  partitions: number[];
  /** Events of the projection's types in each partition, up to the bound. */
  events: Map<number, number>;
  /** Why the other partitions (or all of them) fold through `apply`; undefined when none do. */
  handlerReason: string | undefined;
}

// Every column of the events table, as a projection's statements may read them from `log`.
const LOG_COLUMNS = 'e.global_position, e.transaction_id, e.event_id, e.stream_id, e.stream_type, e.version, e.event_type, e.schema_version, e.data, e.metadata, e.created_at';

/**
 * Which of a build's partitions can be folded in SQL: those not yet begun, when the projection
 * declares `foldInSql` and every event of its types up to the bound is stored at its latest
 * contract version (its statements read stored payloads; an older one would need an upcaster). The
 * survey of the log taken when the build began answers both, when this process began it.
 */
export async function planSqlFold(pool: pg.Pool, target: BuildTarget, contracts: ContractRegistry, choice: FoldChoice, surveyed?: LogSurvey): Promise<SqlFoldPlan> {
  const { projection, build } = target;
  const none = { partitions: [], events: new Map<number, number>() };
  if (choice === 'handler') return { ...none, handlerReason: 'asked for (fold: handler)' };
  if (!projection.foldInSql) return { ...none, handlerReason: `${projection.name} declares no set-based fold` };
  // SQL reads the stored payload, where personal fields are ciphertext: only apply sees them opened.
  const personal = contracts.personalData ? projection.eventTypes.filter((type) => contracts.personalFieldsOf(type)) : [];
  if (personal.length > 0) return { ...none, handlerReason: `${personal.join(', ')} hold encrypted personal fields, which only apply sees opened` };
  // A resumed build was surveyed by the process that began it; this one looks again.
  const survey = surveyed ?? (await surveyRange(pool, build.bound, projection.eventTypes, build.partitions.length));
  const outdated = [
    ...new Set(
      survey
        .filter(({ type, schemaVersion }) => {
          const latest = contracts.latestVersion(type);
          return latest !== undefined && schemaVersion < latest;
        })
        .map(({ type, schemaVersion }) => `${type} v${schemaVersion}`),
    ),
  ];
  if (outdated.length > 0) return { ...none, handlerReason: `the log holds ${outdated.join(', ')} payloads, which only apply's upcasters bring up to date` };
  const fresh = build.partitions.filter((p) => compareCheckpoints(p.checkpoint, START) === 0).map((p) => p.partition);
  // Partitions already at the bound (folded before a crash, either way) need nothing more.
  const partway = build.partitions
    .filter((p) => compareCheckpoints(p.checkpoint, START) !== 0 && compareCheckpoints(p.checkpoint, build.bound) !== 0)
    .map((p) => p.partition);
  const events = new Map<number, number>();
  for (const row of survey) events.set(row.partition, (events.get(row.partition) ?? 0) + row.events);
  return { partitions: fresh, events, handlerReason: partway.length > 0 ? `partitions ${partway.join(', ')} had begun folding through apply` : undefined };
}

/**
 * Folds the given partitions from the start of the log to the build's bound with the projection's
 * statements: per partition, the statements and its checkpoint commit in one transaction, so a
 * crash leaves each partition either whole or untouched. Returns the build with those partitions at its bound.
 */
export async function foldPartitionsInSql(target: BuildTarget, settings: FoldSettings, plan: SqlFoldPlan): Promise<BuildState> {
  const { projection, build } = target;
  if (plan.partitions.length === 0) return build;
  const count = build.partitions.length;
  const sizes = plan.events;
  const statements = projection.foldInSql!(target.tables);
  const range = [build.bound.transactionId, build.bound.globalPosition, [...projection.eventTypes], count];
  // A partition folds in SQL only from the start of the log, so the bound is its one limit. Events an
  // operator skipped for this version are left out of `log`, as `apply` never sees them.
  const log = `with log as (
      select ${LOG_COLUMNS} from ${LOG_VIEW} e
       where (e.transaction_id, e.global_position) <= ($1::text::xid8, $2::bigint)
         and e.event_type = any($3::text[])
         and ${partitionOfSql('e.stream_id', '$4::bigint')} = $5
         and not exists (select from ${SKIPPED_EVENTS_TABLE} s where s.name = $6 and s.version = $7 and s.global_position = e.global_position))`;
  // Every partition's transaction is let finish before a failure is reported, so none is cut off mid-way.
  const results = await Promise.allSettled(
    plan.partitions.map((partition) =>
      withTransaction(settings.pool, async (tx) => {
        const current = await lockPartition(tx, build.name, build.purpose, partition);
        if (!current || compareCheckpoints(current, START) !== 0) {
          throw new ProjectionError(`the ${build.purpose} of ${build.name} v${build.version}: partition ${partition} moved under this process; is another one running it?`);
        }
        // One grouping over a partition of the log sorts far more than the default work_mem holds.
        await tx.query(`set local work_mem = '64MB'`);
        for (const statement of statements) await tx.query(`${log}\n${statement}`, [...range, partition, projection.name, projection.version]);
        await advancePartition(tx, build.name, build.purpose, partition, build.bound, sizes.get(partition) ?? 0);
      }).then(async () => {
        settings.onPage?.(sizes.get(partition) ?? 0);
        await settings.afterPartitionPage?.(partition, sizes.get(partition) ?? 0);
      }),
    ),
  );
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return {
    ...build,
    partitions: build.partitions.map((p) => (plan.partitions.includes(p.partition) ? { ...p, checkpoint: build.bound, eventsDone: sizes.get(p.partition) ?? 0 } : p)),
  };
}

