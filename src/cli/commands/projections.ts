import os from 'node:os';
import { Option, type Command } from 'commander';
import pg from 'pg';
import { loadConfig, loadProjectionMaxLag as configuredMaxLag } from '../../config/env';
import { withPersonalDataFromEnv } from '../../eventstore/personalData/fromEnv';
import {
  DEFAULT_BUILD_BATCH_SIZE,
  DEFAULT_MAX_LAG_MS,
  DEFAULT_PARTITIONS,
  describeLogBlocker,
  freshnessBreaches,
  howToEndLogBlocker,
  MAX_PARTITIONS,
  maxLagResolver,
  ProjectionCommandError,
  projectionStatus,
  rebuildProjection,
  resumeProjection,
  skipEvent,
  verifyProjection,
  type FoldChoice,
  type FreshnessBreach,
  type Projection,
  type RebuildReport,
  type ProjectionStatus,
  type VerifyReport,
} from '../../projections';
import type { Composition } from '../../process/composeProcesses';
import { withDatabase as withCliDatabase } from '../databaseConnection';
import { CliError, EXIT, UsageError } from '../errors';
import type { CliIo } from '../output';
import { durationArg, positiveInteger } from '../parsers';
import { eventProgress } from '../progress';

interface JsonOption {
  json?: boolean;
}
interface BuildCliOptions extends JsonOption {
  partitions: number;
  batchSize: number;
}

export function registerProjectionsCommands(program: Command, io: CliIo, { readModels: projections, contracts }: Pick<Composition, 'readModels' | 'contracts'>): void {
  const write = io.stdout;
  const group = program.command('projections').description('Status, rebuild, verify, skip and resume of the read-model projections');
  const known = () => projections.map((p) => p.name).join(', ');
  const projectionNamed = (name: string): Projection => {
    const found = projections.find((p) => p.name === name);
    if (!found) throw new UsageError(`<name>: no projection named ${JSON.stringify(name)}; known: ${known()}`);
    return found;
  };
  const partitionsOption = () =>
    new Option('--partitions <k>', `partitions folded at once, by hash of stream id (1–${MAX_PARTITIONS})`).default(DEFAULT_PARTITIONS).argParser(partitionCount);
  const batchOption = () => new Option('--batch-size <n>', 'events per page and transaction').default(DEFAULT_BUILD_BATCH_SIZE).argParser(positiveInteger('--batch-size'));

  group
    .command('status')
    .summary('State, position, lag and rate of every projection; exit 1 when one is not fresh')
    .description(
      'Every deployed projection version: state, position, lag, rate and last error, and the open transaction holding their events back, if one does. ' +
        'Then its freshness SLA: exit 1 naming every active projection in breach and why (no worker alive, stopped on a poison event, ' +
        'held back by an open transaction, retrying, stalled, or lagging but progressing). The acceptable lag is each projection’s declared ' +
        `one (default ${DEFAULT_MAX_LAG_MS} ms), SAGAFLOW_PROJECTION_MAX_LAG's, or --max-lag for all.`,
    )
    .option('--json', 'print the status as JSON, each projection with its breach (null when fresh)')
    .addOption(new Option('--max-lag <duration>', 'the acceptable lag for every projection, e.g. 500ms, 5s, 2m').argParser(durationArg('--max-lag')))
    .addHelpText('after', '\nExamples:\n  $ sagaflow projections status\n  $ sagaflow projections status --max-lag 2s --json')
    .action(async (options: JsonOption & { maxLag?: number }) => {
      // Read before connecting: a bad SAGAFLOW_PROJECTION_MAX_LAG is refused before any query.
      const maxLagOf = maxLagResolver(projections, { ...(options.maxLag !== undefined ? { override: options.maxLag } : {}), configured: configuredMaxLag(projections.map((p) => p.name)) });
      const breaches = await withDatabase(async (pool) => {
        const rows = await projectionStatus(pool);
        const found = freshnessBreaches(rows, maxLagOf);
        // JSON: each status row with its breach (null when fresh or not active), so scripts keep reading an array.
        const breachOf = (row: ProjectionStatus) => found.find((b) => b.name === row.name && b.version === row.version) ?? null;
        write(options.json ? json(rows.map((row) => ({ ...row, breach: breachOf(row) }))) : renderStatus(rows) + renderBreaches(found));
        return found;
      });
      if (breaches.length > 0) throw new CliError(`${breaches.length} projection${breaches.length === 1 ? ' is' : 's are'} not fresh: ${breaches.map((b) => `${b.name} (${b.reason})`).join(', ')}`);
    });

  group
    .command('rebuild')
    .summary('Rebuild a projection from the log without downtime, then swap it in')
    .description(
      'Rebuild a projection from the whole log while the current tables keep serving, then swap readers over in one transaction, ' +
        'verify the new tables and drop the old ones. The code’s version if newer than the active one, else the active version in place. ' +
        'An interrupted rebuild resumes from its partition checkpoints.',
    )
    .argument('<name>', `the projection (${known()})`)
    .addOption(partitionsOption())
    .addOption(batchOption())
    .addOption(
      new Option('--fold <how>', "auto: partitions by the projection's SQL statements where it declares them and the log allows; handler: always through apply")
        .choices(['auto', 'handler'])
        .default('auto'),
    )
    .option('--keep-old', 'keep the replaced tables, unverified')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExamples:\n  $ sagaflow projections rebuild order_summary\n  $ sagaflow projections rebuild order_timeline --partitions 8 --json')
    .action(async (name: string, options: BuildCliOptions & { keepOld?: boolean; fold: FoldChoice }) => {
      const projection = projectionNamed(name);
      const exitCode = await withDatabase(async (pool) => {
        await requireBuildTables(pool);
        const bar = eventProgress(`rebuild ${name}`, io);
        const report = await rebuildProjection(pool, projection, {
          contracts: withPersonalDataFromEnv(pool, contracts),
          partitions: options.partitions,
          batchSize: options.batchSize,
          keepOld: options.keepOld ?? false,
          fold: options.fold,
          onProgress: bar.update,
        }).finally(bar.stop);
        if (options.json) write(json(report));
        else {
          const how = report.mode === 'replace' ? `v${report.version} rebuilt in place` : `v${report.version} built${report.previousVersion ? ` to replace v${report.previousVersion}` : ''}`;
          const old = report.oldTables.length === 0 ? '' : report.oldTablesDropped ? `; dropped ${report.oldTables.join(', ')}` : `; kept ${report.oldTables.join(', ')}`;
          write(`${name}: ${how}${report.resumed ? ' (resumed)' : ''}, ${report.events} events to global position ${report.checkpoint.globalPosition}; readers see it${old}\n`);
          write(`  ${describeFold(report.fold)}\n`);
          if (report.validation && !report.validation.equal) write(renderDifferences(report.validation));
        }
        return report.validation && !report.validation.equal ? EXIT.failed : EXIT.ok;
      });
      if (exitCode !== EXIT.ok) throw new CliError(`${name}: the rebuilt tables differ from a recomputation; the replaced tables are kept`);
    });

  group
    .command('verify')
    .summary('Compare a projection with a recomputation from the log; --repair rebuilds it')
    .description(
      'Recompute a projection from the log into scratch tables and compare it with the live tables (row counts and a content hash per slice of rows); ' +
        'prints the keys of differing rows and exits 1 when they differ',
    )
    .argument('<name>', `the projection (${known()})`)
    .option('--repair', 'when they differ, rebuild the projection in place')
    .addOption(partitionsOption())
    .addOption(batchOption())
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExamples:\n  $ sagaflow projections verify order_summary\n  $ sagaflow projections verify inventory_levels --repair')
    .action(async (name: string, options: BuildCliOptions & { repair?: boolean }) => {
      const projection = projectionNamed(name);
      const exitCode = await withDatabase(async (pool) => {
        await requireBuildTables(pool);
        const settings = { contracts: withPersonalDataFromEnv(pool, contracts), partitions: options.partitions, batchSize: options.batchSize };
        const bar = eventProgress(`verify ${name}`, io);
        const report = await verifyProjection(pool, projection, { ...settings, onProgress: bar.update }).finally(bar.stop);
        let repaired: VerifyReport | undefined;
        if (!report.equal && options.repair) {
          const repairBar = eventProgress(`repair ${name}`, io);
          const rebuilt = await rebuildProjection(pool, projection, { ...settings, onProgress: repairBar.update }).finally(repairBar.stop);
          repaired = rebuilt.validation;
        }
        if (options.json) write(json(repaired ? { ...report, repaired: repaired.equal } : report));
        else {
          write(report.equal ? `${name} v${report.version}: equal to a recomputation at global position ${report.checkpoint.globalPosition}\n` : renderDifferences(report));
          if (repaired) write(repaired.equal ? `${name}: repaired by a rebuild; it now equals a recomputation\n` : `${name}: still differs after the rebuild\n`);
        }
        return report.equal || repaired?.equal ? EXIT.ok : EXIT.failed;
      });
      if (exitCode !== EXIT.ok) throw new CliError(`${name} differs from a recomputation of the log${options.repair ? ', even after a rebuild' : ' (--repair rebuilds it)'}`);
    });

  group
    .command('skip')
    .summary('Pass over an event, recording who and why')
    .description('Pass over the event at a global position (typically the one a projection stalled on), recording who and why')
    .argument('<name>', `the projection (${known()})`)
    .argument('<position>', 'the event’s global position', positiveInteger('<position>'))
    .requiredOption('--reason <text>', 'why the event may be passed over (recorded)')
    .option('--by <who>', 'who decided it (recorded)', defaultActor())
    .option('--json', 'print the skipped event as JSON')
    .addHelpText('after', '\nExamples:\n  $ sagaflow projections skip order_summary 81234 --reason "payload from the broken importer, fixed upstream" --by ana')
    .action(async (name: string, position: number, options: JsonOption & { reason: string; by: string }) => {
      projectionNamed(name);
      if (options.reason.trim() === '') throw new UsageError('--reason: must be a non-empty text');
      if (options.by.trim() === '') throw new UsageError('--by: must be a non-empty text');
      await withDatabase(async (pool) => {
        const skipped = await skipEvent(pool, name, position, { reason: options.reason, actor: options.by });
        write(
          options.json
            ? json(skipped)
            : `${name} v${skipped.version}: skipped ${skipped.eventType} ${skipped.eventId} at ${position} in ${skipped.streamId}${skipped.resumed ? '; the projection runs on' : ''}\n`,
        );
      });
    });

  group
    .command('resume')
    .summary('Set a stalled projection running again')
    .description('Set a stalled projection running again, to retry the event it stalled on (after a fix)')
    .argument('<name>', `the projection (${known()})`)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  $ sagaflow projections resume order_summary')
    .action(async (name: string, options: JsonOption) => {
      projectionNamed(name);
      await withDatabase(async (pool) => {
        const resumed = await resumeProjection(pool, name);
        write(options.json ? json({ name, resumed }) : resumed ? `${name}: running again\n` : `${name}: was not stalled; nothing to do\n`);
      });
    });
}

function partitionCount(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_PARTITIONS) throw new UsageError(`--partitions must be a whole number from 1 to ${MAX_PARTITIONS}, got ${JSON.stringify(raw)}`);
  return value;
}

/** One line on how a rebuild folded its partitions. */
function describeFold(fold: RebuildReport['fold']): string {
  const inSql = `folded in SQL: ${fold.sqlPartitions.length === 0 ? 'no partition' : `partitions ${fold.sqlPartitions.join(', ')}`}`;
  return fold.handlerReason ? `${inSql}; through apply: ${fold.handlerReason}` : inSql;
}

function defaultActor(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** The shared CLI database, with room for a rebuild's partitions; the engine's refusals become one-line errors (exit 1). */
async function withDatabase<T>(work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  try {
    return await withCliDatabase(loadConfig(), work, { maxConnections: MAX_PARTITIONS + 4 });
  } catch (error) {
    if (error instanceof ProjectionCommandError) throw new CliError(error.message);
    throw error;
  }
}

async function requireBuildTables(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ present: boolean }>(`select to_regclass('projection_builds') is not null as present`);
  if (!rows[0]!.present) throw new CliError('the database schema predates projection rebuilds: run `npm run migrate` (or start a worker, which migrates) first');
}

function renderStatus(rows: readonly ProjectionStatus[]): string {
  if (rows.length === 0) return 'no projection is deployed yet\n';
  const header = ['name', 'version', 'status', 'position', 'lag events', 'lag ms', 'events/s', 'last error'];
  const lines = rows.map((s) => [
    s.name,
    `v${s.version}${s.active ? ' (active)' : ''}`,
    `${s.status}${s.owned ? '' : ' (no worker)'}${s.heldBack ? ' (held back)' : ''}`,
    String(s.checkpoint.globalPosition),
    String(s.lagEvents),
    String(s.lagMs),
    s.eventsPerSecond.toFixed(1),
    s.lastError ? `${s.failedEvent ? `#${s.failedEvent.globalPosition}: ` : ''}${s.lastError.replace(/\s+/g, ' ').slice(0, 120)}` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i]!.length)));
  const table = [header, ...lines].map((cells) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
  return table + renderHeldBack(rows);
}

/** Every breach on its own line: the projection, its acceptable lag, and why. */
function renderBreaches(breaches: readonly FreshnessBreach[]): string {
  if (breaches.length === 0) return '';
  return `\nnot fresh:\n${breaches.map((b) => `  ${b.name} v${b.version} (acceptable lag ${b.maxLagMs} ms): ${b.explanation}`).join('\n')}\n`;
}

/** Why lag that does not drain is not draining: the open transaction every gap-safe reader waits for. */
function renderHeldBack(rows: readonly ProjectionStatus[]): string {
  const held = rows.filter((s) => s.heldBack);
  const blocker = held[0]?.heldBack?.by;
  if (!blocker) return '';
  return [
    '',
    `held back by an open transaction: ${describeLogBlocker(blocker)}`,
    `  committed events waiting behind it: ${held.map((s) => `${s.name} v${s.version} ${s.heldBack!.events}`).join(', ')}`,
    `  to let the projections read on, ${howToEndLogBlocker(blocker)}`,
    '',
  ].join('\n');
}

function renderDifferences(report: VerifyReport): string {
  const lines = [`${report.name} v${report.version} DIFFERS from a recomputation at global position ${report.checkpoint.globalPosition}:`];
  for (const table of report.tables) {
    if (table.differingPartitions.length === 0) continue;
    lines.push(`  ${table.table}: ${table.liveRows} rows live, ${table.recomputedRows} recomputed; differing slices ${table.differingPartitions.join(', ')}`);
    for (const row of table.differences) {
      const key = Object.entries(row.key).map(([column, value]) => `${column}=${String(value)}`).join(' ');
      lines.push(`    ${row.difference === 'changed' ? 'changed' : row.difference === 'missing' ? 'missing from the live table' : 'extra in the live table'}: ${key}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
