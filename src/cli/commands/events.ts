import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../../config/env';
import type { ContractRegistry } from '../../eventstore/contracts';
import { withPersonalDataFromEnv } from '../../eventstore/personalData/fromEnv';
import {
  createEventStore,
  DEFAULT_DIGEST_WINDOW_SIZE,
  formatLogDigest,
  LOG_DIGEST_FORMAT,
  LogDigestFormatError,
  MAX_DIGEST_WINDOW_SIZE,
  parseLogDigest,
  streamTypeOf,
  type EventStore,
  type LogDigest,
  type StoredEvent,
} from '../../eventstore';
import { withDatabase } from '../databaseConnection';
import { CliError, UsageError } from '../errors';
import { renderLogVerification, summarizeLogVerification } from '../logVerificationText';
import { printJson, type CliIo } from '../output';
import { positiveInteger } from '../parsers';
import { eventProgress } from '../progress';
import { stateReaderFor, type AnyStreamFold } from '../streamStates';

type AsOf = { version: number } | { time: Date };

/** The `events` group; returns it so commands kept in modules of their own join it. */
export function registerEventsCommands(program: Command, io: CliIo, contracts: ContractRegistry, foldsByStreamType: Readonly<Record<string, AnyStreamFold>> = {}): Command {
  const events = program.command('events').description('Read, fold and verify the event log');
  const withStore = <T>(work: (store: EventStore) => Promise<T>) =>
    withDatabase(loadConfig(), (pool) => work(createEventStore(pool, { contracts: withPersonalDataFromEnv(pool, contracts), notify: false })));

  events
    .command('stream')
    .description("A stream's events in version order: type, schema version, time, hash and payload (upcast to the latest contract)")
    .argument('<streamId>', 'the stream, {Type}-{id}, e.g. Order-42', streamIdArg)
    .addOption(new Option('--from-version <version>', 'first version to show').default(1).argParser(positiveInteger('--from-version')))
    .addOption(new Option('-n, --limit <count>', 'at most this many events').argParser(positiveInteger('--limit')))
    .option('--json', 'print the events as JSON')
    .addHelpText('after', '\nExample:\n  $ sagaflow events stream Order-42 --from-version 3 --limit 5')
    .action(async (streamId: string, options: { fromVersion: number; limit?: number; json?: boolean }) => {
      const read = await withStore(async (store) => {
        const page = await store.readStream(streamId, { fromVersion: options.fromVersion, ...(options.limit ? { toVersion: options.fromVersion + options.limit - 1 } : {}) });
        if (page.length === 0) await requireStream(store, streamId);
        return page;
      });
      if (options.json) return printJson(io, read);
      if (read.length === 0) return io.stdout(`${streamId} has no events from version ${options.fromVersion}\n`);
      io.stdout(read.map(formatEvent).join(''));
    });

  events
    .command('state')
    .description("A stream's state folded up to a version or a time; Order streams fold into their order_summary row, others into the latest value of each field")
    .argument('<streamId>', 'the stream, {Type}-{id}, e.g. Order-42', streamIdArg)
    .option('--as-of <time|version>', 'a stream version (a whole number), or an ISO 8601 time with a zone (default: now)', asOfArg)
    .option('--json', 'print the state as JSON')
    .addHelpText('after', '\nExamples:\n  $ sagaflow events state Order-42 --as-of 3\n  $ sagaflow events state Order-42 --as-of 2026-11-23T14:00:00Z')
    .action(async (streamId: string, options: { asOf?: AsOf; json?: boolean }) => {
      const fold = stateReaderFor(streamTypeOf(streamId), foldsByStreamType);
      const asOf = options.asOf;
      const { state, version } = await withStore(async (store) => {
        await requireStream(store, streamId);
        const aggregate = await fold.read(store, streamId, asOf ? ('version' in asOf ? { asOfVersion: asOf.version } : { asOfTime: asOf.time }) : {});
        if (asOf && 'version' in asOf && aggregate.version < asOf.version) throw new CliError(`${streamId} has ${aggregate.version} events: there is no version ${asOf.version}`);
        return aggregate;
      });
      const result = { streamId, fold: fold.name, ...(asOf ? { asOf: 'version' in asOf ? asOf.version : asOf.time.toISOString() } : {}), version, state };
      if (options.json) return printJson(io, result);
      const when = asOf ? ` as of ${'version' in asOf ? `version ${asOf.version}` : asOf.time.toISOString()}` : '';
      io.stdout(`${streamId}${when}: version ${version} (${fold.name})\n${JSON.stringify(state, null, 2)}\n`);
    });

  events
    .command('digest')
    .description(
      'Print a digest of the whole log up to its gap-safe end, as JSON: keep it outside the database (another host, write-once storage), ' +
        'where nobody who can change the database can change it too; `events verify --against` later proves the log up to it unchanged',
    )
    .addOption(
      new Option('--window <events>', 'events per window: a difference is located to its window')
        .default(DEFAULT_DIGEST_WINDOW_SIZE)
        .argParser(boundedInteger('--window', MAX_DIGEST_WINDOW_SIZE)),
    )
    .option('--json', 'print the digest as JSON (its only form: the file to keep)')
    .addHelpText('after', '\nExamples:\n  $ sagaflow events digest > /mnt/audit/sagaflow-digest-$(date +%F).json\n  $ sagaflow events verify --against /mnt/audit/sagaflow-digest-2026-12-01.json')
    .action(async (options: { window: number; json?: boolean }) => {
      const progress = eventProgress('digest', io);
      const digest = await withStore((store) => store.digestLog({ windowSize: options.window, onProgress: progress.update })).finally(progress.stop);
      io.stdout(formatLogDigest(digest));
    });

  events
    .command('verify')
    .description(
      'Recompute the hash chain of one stream, or of the whole log; exits 1 naming the first broken link. ' +
        'With --against, compare the log up to a digest taken before (`events digest`) and the chain up to there; exits 1 naming what changed',
    )
    .argument('[streamId]', 'the stream to verify (default: every stream)', streamIdArg)
    .option('--against <digest.json>', 'a digest file from `sagaflow events digest`: check the whole log up to its end against it')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExamples:\n  $ sagaflow events verify\n  $ sagaflow events verify Order-42 --json\n  $ sagaflow events verify --against /mnt/audit/sagaflow-digest-2026-12-01.json')
    .action(async (streamId: string | undefined, options: { against?: string; json?: boolean }) => {
      if (options.against !== undefined) {
        if (streamId) throw new UsageError('--against checks the whole log up to the digest: give no stream id with it');
        const file = options.against;
        const digest = readDigestFile(file);
        const progress = eventProgress('verify', io);
        const report = await withStore((store) => store.verifyLogAgainst(digest, { onProgress: progress.update })).finally(progress.stop);
        if (options.json) printJson(io, report);
        else io.stdout(renderLogVerification(report));
        if (!report.ok) throw new CliError(summarizeLogVerification(report, file));
        return;
      }
      const report = await withStore((store) => (streamId ? store.verifyStream(streamId) : store.verifyAll()));
      const scope = streamId ?? 'the event log';
      if (options.json) printJson(io, { streamId: streamId ?? null, ok: report.brokenCount === 0 && report.eventsChecked > 0, ...report });
      if (report.eventsChecked === 0 && streamId) throw new CliError(`${streamId} not found: the stream has no events`);
      const broken = report.firstBroken;
      if (broken) {
        throw new CliError(
          `hash chain broken in ${scope}: ${broken.streamId} version ${broken.version} (global position ${broken.globalPosition}) ` +
            `stores hash ${broken.storedHash} but its content and predecessor give ${broken.recomputedHash}; ${report.brokenCount} broken link(s) in ${report.eventsChecked} events`,
        );
      }
      if (!options.json) io.stdout(`${scope}: ${report.eventsChecked} events, hash chain intact\n`);
    });
  return events;
}

/** A stream nobody wrote to is a failed check (exit 1), not an empty answer. */
async function requireStream(store: EventStore, streamId: string): Promise<void> {
  if ((await store.readStream(streamId, { toVersion: 1 })).length === 0) throw new CliError(`${streamId} not found: the stream has no events`);
}

function formatEvent(event: StoredEvent): string {
  const schema = event.storedSchemaVersion === event.schemaVersion ? `schema v${event.schemaVersion}` : `schema v${event.schemaVersion} (stored v${event.storedSchemaVersion}, upcast)`;
  return (
    `v${event.version}  ${event.type}  ${schema}  ${event.createdAt.toISOString()}  position ${event.globalPosition}  hash ${event.hash.slice(0, 16)}…\n` +
    `    ${JSON.stringify(event.data)}\n`
  );
}

/** The digest file, read and checked before anything else happens: a file that cannot serve is bad usage. */
function readDigestFile(file: string): LogDigest {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--against ${file}: cannot read the digest file: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--against ${file}: a digest file must be the JSON \`sagaflow events digest\` printed: ${(error as Error).message}`);
  }
  try {
    return parseLogDigest(json);
  } catch (error) {
    if (error instanceof LogDigestFormatError) throw new UsageError(`--against ${file}: not a ${LOG_DIGEST_FORMAT} digest: ${error.message}`);
    throw error;
  }
}

function boundedInteger(name: string, max: number): (raw: string) => number {
  return (raw) => {
    const value = positiveInteger(name)(raw);
    if (value > max) throw new UsageError(`${name} must be a whole number from 1 to ${max}, got ${JSON.stringify(raw)}`);
    return value;
  };
}

function streamIdArg(raw: string): string {
  streamTypeOf(raw); // throws InvalidStreamIdError, naming the rule: bad usage
  return raw;
}

const isoTime = z.iso.datetime({ offset: true });

function asOfArg(raw: string): AsOf {
  if (/^\d+$/.test(raw)) return { version: positiveInteger('--as-of')(raw) };
  if (!isoTime.safeParse(raw).success) {
    throw new UsageError(`--as-of must be a stream version (a whole number of at least 1) or an ISO 8601 time with a zone, e.g. 2026-11-23T14:00:00Z, got ${JSON.stringify(raw)}`);
  }
  return { time: new Date(raw) };
}
