import type pg from 'pg';
import { aggregateStream, type Aggregate, type AggregateOptions } from './aggregateStream';
import { appendEvents, type AppendOptions, type AppendSettings } from './appendEvents';
import { AppendNotifier } from './appendNotifier';
import type { ContractRegistry } from './contracts';
import { EventStoreError } from './errors';
import { computeLogDigest, type LogDigest, type LogDigestOptions } from './logDigest';
import { importEvents, type ImportEvent, type ImportOptions } from './importEvents';
import { readAll, type ReadAllOptions, type ReadAllPage } from './readAll';
import { readStream, type ReadStreamOptions } from './readStream';
import type { AppendResult, NewEvent, StoredEvent } from './types';
import { verifyChain, type ChainReport } from './verifyChain';
import { verifyLogAgainst, type LogVerification, type VerifyLogOptions } from './verifyLogAgainst';

export interface EventStoreOptions {
  contracts: ContractRegistry;
  /** Largest accepted `data` payload in bytes of JSON (default 16 KiB). */
  maxPayloadBytes?: number;
  /** Largest accepted `metadata` in bytes of JSON (default 4 KiB): ids and an actor, not a second payload. */
  maxMetadataBytes?: number;
  /** Wake subscribers (pg_notify on the `sagaflow_events` channel) after every append (default true). */
  notify?: boolean;
}

export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024;
export const DEFAULT_MAX_METADATA_BYTES = 4 * 1024;

export interface EventStore {
  append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  readAll(options?: ReadAllOptions): Promise<ReadAllPage>;
  aggregateStream<State>(
    streamId: string,
    evolve: (state: State, event: StoredEvent) => State,
    initial: () => State,
    options?: AggregateOptions<State>,
  ): Promise<Aggregate<State>>;
  importEvents(events: Iterable<ImportEvent>, options?: ImportOptions): Promise<{ imported: number }>;
  verifyStream(streamId: string): Promise<ChainReport>;
  verifyAll(): Promise<ChainReport>;
  /** A digest of the whole log up to a point (default: its gap-safe end), for the operator to keep outside the database. */
  digestLog(options?: LogDigestOptions): Promise<LogDigest>;
  /** The log up to a digest's end compared with the digest, and the hash chain over the same events. */
  verifyLogAgainst(digest: LogDigest, options?: VerifyLogOptions): Promise<LogVerification>;
}

/** The PostgreSQL event store over a pool; the schema comes from the project's migrations. */
export function createEventStore(pool: pg.Pool, options: EventStoreOptions): EventStore {
  const maxPayloadBytes = byteLimit('maxPayloadBytes', options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES);
  const maxMetadataBytes = byteLimit('maxMetadataBytes', options.maxMetadataBytes ?? DEFAULT_MAX_METADATA_BYTES);
  const settings: AppendSettings = {
    contracts: options.contracts,
    maxPayloadBytes,
    maxMetadataBytes,
    notifier: options.notify === false ? undefined : new AppendNotifier(pool),
  };
  const { contracts } = options;
  return {
    append: (streamId, events, appendOptions) => appendEvents(pool, settings, streamId, events, appendOptions),
    readStream: (streamId, readOptions) => readStream(pool, contracts, streamId, readOptions),
    readAll: (readOptions) => readAll(pool, contracts, readOptions),
    aggregateStream: (streamId, evolve, initial, aggregateOptions) => aggregateStream(pool, contracts, streamId, evolve, initial, aggregateOptions),
    importEvents: (events, importOptions) => importEvents(pool, settings, events, importOptions),
    verifyStream: (streamId) => verifyChain(pool, streamId),
    verifyAll: () => verifyChain(pool),
    digestLog: (digestOptions) => computeLogDigest(pool, digestOptions),
    verifyLogAgainst: (digest, verifyOptions) => verifyLogAgainst(pool, digest, verifyOptions),
  };
}

function byteLimit(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new EventStoreError(`${name} must be a whole number of bytes ≥ 1, got ${String(value)}`);
  return value;
}
