import fs from 'node:fs';
import { once } from 'node:events';
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/env';
import { readArchived } from '../../eventstore/exportArchived';
import { archiveClosedStreams, DEFAULT_ARCHIVE_BATCH_SIZE, type ArchiveSummary } from '../../retention/archiveClosedStreams';
import type { StreamTypeRetention } from '../../retention/streamTypeRetention';
import { withDatabase } from '../databaseConnection';
import { classifyPostgresError } from '../../errors/postgresErrors';
import { CliError, UsageError } from '../errors';
import { printJson, type CliIo } from '../output';
import { durationArg, positiveInteger } from '../parsers';
import { eventProgress } from '../progress';

/** The most streams one batch (one transaction) may move: more holds every one of their writers' queues longer. */
const MAX_BATCH_SIZE = 10_000;

interface ArchiveOptions {
  dryRun?: boolean;
  olderThan?: number;
  batchSize: number;
  streamType?: string[];
  json?: boolean;
}

/** `sagaflow events archive`: the retention the processes declared, run now. */
export function registerEventsArchiveCommand(events: Command, io: CliIo, retention: readonly StreamTypeRetention[]): void {
  events
    .command('archive')
    .description(
      'Move closed streams (the saga reached its last event) out of the hot events table into events_archive, where they are still read, verified and rebuilt from, ' +
        "each stream type after the days its process declared; a batch of whole streams per transaction, so a run cut off loses nothing and the next one goes on",
    )
    .option('--dry-run', 'count what would move, move nothing')
    .addOption(new Option('--older-than <duration>', 'archive streams closed this long ago (e.g. 30d, 12h) instead of each type\'s declared wait; types kept forever stay kept').argParser(durationArg('--older-than')))
    .addOption(new Option('--batch-size <streams>', `whole streams per transaction (at most ${MAX_BATCH_SIZE})`).default(DEFAULT_ARCHIVE_BATCH_SIZE).argParser(batchSize))
    .addOption(new Option('--stream-type <type...>', 'only these stream types (e.g. Order)'))
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nExamples:\n  $ sagaflow events archive --dry-run\n  $ sagaflow events archive --older-than 30d --stream-type Order --batch-size 500')
    .action(async (options: ArchiveOptions) => {
      if (options.streamType) checkStreamTypes(options.streamType, retention);
      const progress = eventProgress(options.dryRun ? 'archive (dry run)' : 'archive', io);
      const summary = await withDatabase(loadConfig(), (pool) =>
        archiveClosedStreams(pool, retention, {
          dryRun: options.dryRun ?? false,
          batchSize: options.batchSize,
          ...(options.olderThan !== undefined ? { olderThanMs: options.olderThan } : {}),
          ...(options.streamType ? { streamTypes: options.streamType } : {}),
          onProgress: progress.update,
        }),
      )
        .catch((error: unknown) => {
          if (classifyPostgresError(error).kind !== 'insufficient_privilege') throw error;
          throw new CliError(`the database role of DATABASE_URL may not archive (${(error as Error).message}): run this as a role granted sagaflow_archiver, or as the schema owner`);
        })
        .finally(progress.stop);
      if (options.json) return printJson(io, summary);
      io.stdout(renderSummary(summary, retention));
    });
}

/** `sagaflow events export-archived`: the archive as JSON lines, for storage outside the database. */
export function registerExportArchivedCommand(events: Command, io: CliIo, retention: readonly StreamTypeRetention[]): void {
  events
    .command('export-archived')
    .description(
      'Write every archived event, in the global order, as one JSON object per line (the row as stored: positions, ids, payload as written, hash) ' +
        'to a new file; the archive table keeps them, the file is a copy to keep elsewhere',
    )
    .argument('<file>', 'a file that does not exist yet')
    .addOption(new Option('--stream-type <type>', 'only this stream type (e.g. Order)'))
    .addHelpText('after', '\nExample:\n  $ sagaflow events export-archived /mnt/cold/sagaflow-archive-2026-12.jsonl --stream-type Order')
    .action(async (file: string, options: { streamType?: string }) => {
      if (options.streamType && !retention.some((r) => r.streamType === options.streamType)) {
        throw new UsageError(`--stream-type ${JSON.stringify(options.streamType)} is not a stream type of this deployment, whose stream types are ${retention.map((r) => r.streamType).join(', ')}`);
      }
      let out: fs.WriteStream;
      try {
        // 'wx': an export never overwrites a file, least of all an earlier export.
        out = fs.createWriteStream(file, { flags: 'wx' });
        await once(out, 'open');
      } catch (error) {
        throw new UsageError(`<file>: cannot create ${file}: ${(error as NodeJS.ErrnoException).code === 'EEXIST' ? 'it exists already' : (error as Error).message}`);
      }
      let written = 0;
      try {
        await withDatabase(loadConfig(), async (pool) => {
          for await (const event of readArchived(pool, options.streamType ? { streamType: options.streamType } : {})) {
            if (!out.write(`${JSON.stringify(event)}\n`)) await once(out, 'drain');
            written += 1;
          }
        });
      } finally {
        out.end();
        await once(out, 'close');
      }
      io.stdout(`wrote ${written} archived event(s) to ${file}\n`);
    });
}

function batchSize(raw: string): number {
  const value = positiveInteger('--batch-size')(raw);
  if (value > MAX_BATCH_SIZE) throw new UsageError(`--batch-size must be at most ${MAX_BATCH_SIZE} streams (one transaction), got ${JSON.stringify(raw)}`);
  return value;
}

/** A stream type named must be one a process archives: a typo, or a type kept forever, would otherwise archive nothing quietly. */
function checkStreamTypes(named: readonly string[], retention: readonly StreamTypeRetention[]): void {
  for (const type of named) {
    const declared = retention.find((r) => r.streamType === type);
    if (!declared) throw new UsageError(`--stream-type ${JSON.stringify(type)} is not a stream type of this deployment, whose stream types are ${retention.map((r) => r.streamType).join(', ')}`);
    if (declared.archiveAfterDays === null) throw new UsageError(`--stream-type ${type}: process ${declared.sagaType} keeps its ${type} streams forever; nothing of it is archived`);
  }
}

function renderSummary(summary: ArchiveSummary, retention: readonly StreamTypeRetention[]): string {
  const verb = summary.dryRun ? 'would archive' : 'archived';
  const lines = summary.byStreamType.map(
    (s) =>
      `${s.streamType}: ${verb} ${s.streams} stream(s), ${s.events} event(s) closed before ${s.closedBefore.toISOString()}` +
      (s.reopened > 0 ? `; ${s.reopened} stream(s) took a new event first and stay` : ''),
  );
  const kept = retention.filter((r) => r.archiveAfterDays === null).map((r) => r.streamType);
  if (kept.length > 0 && summary.byStreamType.length > 0) lines.push(`kept forever: ${kept.join(', ')}`);
  if (summary.byStreamType.length === 0) lines.push('no stream type is archived: every process keeps its streams forever');
  lines.push(`${summary.dryRun ? 'dry run, nothing moved: ' : ''}${summary.streams} stream(s), ${summary.events} event(s) ${verb}`);
  return `${lines.join('\n')}\n`;
}
