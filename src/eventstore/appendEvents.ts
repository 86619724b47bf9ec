import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { classifyPostgresError } from '../errors/postgresErrors';
import type { AppendNotifier } from './appendNotifier';
import type { ContractRegistry } from './contracts';
import { ConcurrencyError, EventStoreError, EventValidationError, IdempotencyConflictError, StreamArchivedError } from './errors';
import { streamTypeOf } from './streamIds';
import { APPEND_FUNCTION, APPEND_ONE_FUNCTION, ARCHIVE_TABLE, EVENT_ID_CONSTRAINT, EVENTS_TABLE, STREAM_VERSION_CONSTRAINT } from './tables';
import type { AppendResult, EventMetadata, ExpectedVersion, NewEvent } from './types';

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
}

export interface AppendSettings {
  contracts: ContractRegistry;
  /** Largest accepted `data` payload, in bytes of JSON. */
  maxPayloadBytes: number;
  /** Largest accepted `metadata`, in bytes of JSON. */
  maxMetadataBytes: number;
  /**
   * How subscribers are woken: through this notifier right after commit when appending through a
   * pool; when appending on a client (possibly inside the caller's transaction) by pg_notify in the
   * appending statement, delivered when the caller commits. Undefined: no wake-up.
   */
  notifier: AppendNotifier | undefined;
}

type Db = pg.Pool | pg.PoolClient;

/** What the append function returns. An insert that did not happen leaves `positions` null. */
interface AppendSqlResult {
  previous_version: string;
  version_ok: boolean;
  order_ok: boolean;
  transaction_id: string;
  positions: string[] | null;
}

/**
 * The two ways into the log, both functions the application role may execute (it may not insert):
 * one event in one statement, or a batch. Both queue for the stream first, so no writer of ours
 * loses a race for a version.
 */
const APPEND_ONE_SQL = `select previous_version, version_ok, order_ok, transaction_id::text as transaction_id, positions
  from ${APPEND_ONE_FUNCTION}($1, $2, $3, $4, $5::uuid, $6, $7::int, $8::jsonb, $9::jsonb, $10)`;
const APPEND_BATCH_SQL = `select previous_version, version_ok, order_ok, transaction_id::text as transaction_id, positions
  from ${APPEND_FUNCTION}($1, $2, $3, $4, $5::uuid[], $6::text[], $7::int[], $8::jsonb[], $9::jsonb[], $10)`;

/**
 * Looks up the events of a rejected append by id: are they all already stored, identically (a retry:
 * success), partly or differently (a conflict), or not at all (a concurrency conflict)? Also returns
 * the stream's current version for the error.
 */
const EXPLAIN_REJECTION_SQL = `
select w.o, e.event_id is not null as stored,
       coalesce(e.stream_id = $1 and e.event_type = w.event_type and e.schema_version = w.schema_version
                and e.data = w.data and e.metadata = w.metadata, false) as identical,
       e.global_position, e.version, e.transaction_id::text as transaction_id,
       (select coalesce(max(version), 0) from ${EVENTS_TABLE} where stream_id = $1) as current_version,
       exists (select 1 from ${ARCHIVE_TABLE} where stream_id = $1) as archived
  from unnest($2::uuid[], $3::text[], $4::int[], $5::jsonb[], $6::jsonb[]) with ordinality as w(event_id, event_type, schema_version, data, metadata, o)
  left join ${EVENTS_TABLE} e on e.event_id = w.event_id
 order by w.o`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * A writer inside a transaction older than the stream's last writer is refused (order_ok false): its
 * append would sort before that event. Writers queue per stream before taking their id, so through a
 * pool this takes an insert from outside the append functions; a fresh attempt resolves it.
 */
const OUT_OF_ORDER_RETRIES = 5;

interface PreparedEvents {
  ids: string[];
  types: string[];
  schemaVersions: number[];
  data: string[];
  metadata: string[];
}

/**
 * Appends events to one stream in one transaction and one round trip. Every payload is validated
 * first; if any is invalid, nothing is sent. Re-appending the same event ids with the same content
 * returns the original positions and writes nothing.
 */
export async function appendEvents(
  db: Db,
  settings: AppendSettings,
  streamId: string,
  events: NewEvent[],
  options: AppendOptions,
): Promise<AppendResult> {
  // Checked here, before anything is sent, so a caller from plain JavaScript gets the store's own
  // error naming the argument rather than a TypeError from deep inside.
  if (typeof streamId !== 'string') throw new EventStoreError(`streamId must be a string, got ${describe(streamId)}`);
  const streamType = streamTypeOf(streamId);
  if (typeof options !== 'object' || options === null) {
    throw new EventStoreError(`append to ${streamId}: options must be an object with expectedVersion, got ${describe(options)}`);
  }
  const { expectedVersion } = options;
  assertExpectedVersion(expectedVersion);
  if (!Array.isArray(events)) throw new EventStoreError(`append to ${streamId}: events must be an array, got ${describe(events)}`);
  if (events.length === 0) throw new EventStoreError(`append to ${streamId}: events must not be empty`);
  const prepared = await prepare(settings, events);
  const [mode, version] = typeof expectedVersion === 'number' ? ['exact', expectedVersion] : [expectedVersion, null];
  const onClient = 'release' in db;
  const notifyInStatement = onClient && settings.notifier !== undefined;
  const single = events.length === 1;
  const query = {
    name: single ? 'sagaflow_append_one' : 'sagaflow_append_batch',
    text: single ? APPEND_ONE_SQL : APPEND_BATCH_SQL,
    values: single
      ? [streamId, streamType, mode, version, prepared.ids[0], prepared.types[0], prepared.schemaVersions[0], prepared.data[0], prepared.metadata[0], notifyInStatement]
      : [streamId, streamType, mode, version, prepared.ids, prepared.types, prepared.schemaVersions, prepared.data, prepared.metadata, notifyInStatement],
  };

  for (let attempt = 0; ; attempt++) {
    let row: AppendSqlResult;
    try {
      row = (await db.query<AppendSqlResult>(query)).rows[0]!;
    } catch (error) {
      const failure = classifyPostgresError(error);
      if (failure.kind === 'stream_archived') throw new StreamArchivedError(streamId, ARCHIVE_TABLE);
      if (failure.kind === 'unique_violation' && (failure.constraint === STREAM_VERSION_CONSTRAINT || failure.constraint === EVENT_ID_CONSTRAINT)) {
        // A concurrent writer took the version, or these ids exist already: find out which.
        return explainRejection(db, streamId, prepared, expectedVersion);
      }
      throw error;
    }
    if (row.positions) {
      if (!onClient) settings.notifier?.notify(streamId);
      const positions = row.positions.map(Number);
      return {
        streamVersion: Number(row.previous_version) + events.length,
        positions,
        transactionId: row.transaction_id,
        checkpoint: { transactionId: row.transaction_id, globalPosition: positions[positions.length - 1]! },
        duplicate: false,
      };
    }
    if (!row.version_ok) return explainRejection(db, streamId, prepared, expectedVersion);
    // order_ok is false: only a fresh transaction can help, which a pool gives us and a client in a transaction cannot.
    if (attempt >= OUT_OF_ORDER_RETRIES || onClient) {
      throw new ConcurrencyError(streamId, expectedVersion, Number(row.previous_version));
    }
  }
}

async function explainRejection(db: Db, streamId: string, events: PreparedEvents, expectedVersion: ExpectedVersion): Promise<AppendResult> {
  let rows: Array<{
    stored: boolean;
    identical: boolean;
    global_position: string | null;
    version: string | null;
    transaction_id: string | null;
    current_version: string;
    archived: boolean;
  }>;
  try {
    ({ rows } = await db.query({
      name: 'sagaflow_explain_rejection',
      text: EXPLAIN_REJECTION_SQL,
      values: [streamId, events.ids, events.types, events.schemaVersions, events.data, events.metadata],
    }));
  } catch (error) {
    // Inside a caller's transaction that the failed insert aborted, nothing more can be read.
    if (classifyPostgresError(error).kind === 'transaction_aborted') throw new ConcurrencyError(streamId, expectedVersion, undefined);
    throw error;
  }
  if (rows.every((r) => r.identical)) {
    const positions = rows.map((r) => Number(r.global_position));
    const transactionId = rows[rows.length - 1]!.transaction_id!;
    return {
      streamVersion: Math.max(...rows.map((r) => Number(r.version))),
      positions,
      transactionId,
      checkpoint: { transactionId, globalPosition: positions[positions.length - 1]! },
      duplicate: true,
    };
  }
  // An archived stream has no events left in the hot table: no version is what the writer expected.
  if (rows[0]!.archived) throw new StreamArchivedError(streamId, ARCHIVE_TABLE);
  const clash = rows.find((r) => r.stored && !r.identical) ?? (rows.some((r) => r.stored) ? rows.find((r) => !r.stored) : undefined);
  if (clash) throw new IdempotencyConflictError(streamId, events.ids[rows.indexOf(clash)]!);
  throw new ConcurrencyError(streamId, expectedVersion, Number(rows[0]!.current_version));
}

async function prepare(settings: AppendSettings, events: NewEvent[]): Promise<PreparedEvents> {
  const prepared: PreparedEvents = { ids: [], types: [], schemaVersions: [], data: [], metadata: [] };
  const seen = new Map<string, number>();
  const validated: unknown[] = [];
  events.forEach((event, index) => {
    if (typeof event !== 'object' || event === null) {
      throw new EventValidationError(index, '?', [{ field: 'event', rule: `must be an object, got ${describe(event)}` }]);
    }
    // Omitted, an id is made here, and a retry of the same call appends the events again: only
    // callers that never retry may omit it. null is a mistake, not an omission.
    const eventId = event.eventId === undefined ? randomUUID() : event.eventId;
    if (typeof eventId !== 'string' || !UUID.test(eventId)) {
      throw new EventValidationError(index, String(event.type), [{ field: 'eventId', rule: `must be a UUID (or omitted, to have one made), got ${describe(eventId)}` }]);
    }
    const repeated = seen.get(eventId.toLowerCase());
    if (repeated !== undefined) {
      throw new EventValidationError(index, String(event.type), [{ field: 'eventId', rule: `repeats the id of event #${repeated}: every event of a batch needs its own id` }], eventId);
    }
    seen.set(eventId.toLowerCase(), index);
    if (typeof event.type !== 'string' || event.type.length === 0) {
      throw new EventValidationError(index, String(event.type), [{ field: 'type', rule: 'must be a non-empty string' }], eventId);
    }
    const { schemaVersion, data } = settings.contracts.validate(event.type, event.data, index, eventId);
    const json = JSON.stringify(data);
    checkSize(json, 'data', settings.maxPayloadBytes, index, event.type, eventId);
    checkStorableText(json, data, 'data', index, event.type, eventId);
    validated.push(data);
    const metadata = JSON.stringify(checkMetadata(event.metadata, index, event.type, eventId));
    checkSize(metadata, 'metadata', settings.maxMetadataBytes, index, event.type, eventId);
    checkStorableText(metadata, event.metadata, 'metadata', index, event.type, eventId);
    prepared.ids.push(eventId);
    prepared.types.push(event.type);
    prepared.schemaVersions.push(schemaVersion);
    prepared.data.push(json);
    prepared.metadata.push(metadata);
  });
  // Sealed only once the whole batch is valid, so a refused batch makes no subject key.
  await sealPersonalFields(settings.contracts, prepared, validated);
  return prepared;
}

/**
 * Replaces each payload's personal fields with their ciphertext before the payload is hashed and
 * stored. The size limit is the caller's payload's: sealing adds a fixed overhead per field.
 */
async function sealPersonalFields(contracts: ContractRegistry, prepared: PreparedEvents, validated: unknown[]): Promise<void> {
  const personal = validated.flatMap((data, i) => {
    const fields = contracts.personalFieldsOf(prepared.types[i]!);
    return fields ? [{ index: i, eventId: prepared.ids[i]!, data, personal: fields }] : [];
  });
  if (personal.length === 0) return;
  const cipher = contracts.personalData;
  if (!cipher) return warnPlainPersonalData();
  const sealed = await cipher.seal(personal);
  personal.forEach(({ index }, i) => (prepared.data[index] = JSON.stringify(sealed[i])));
}

let warnedPlain = false;
/** Once per process: personal data written in plain cannot be erased later. */
function warnPlainPersonalData(): void {
  if (warnedPlain) return;
  warnedPlain = true;
  process.emitWarning('personal fields are stored in plain: set SAGAFLOW_ENCRYPTION_KEY so they can be erased (README "Erasure")', { code: 'SAGAFLOW_PLAIN_PERSONAL_DATA' });
}

function checkMetadata(metadata: EventMetadata | undefined, index: number, type: string, eventId: string): EventMetadata {
  if (metadata === undefined) return {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new EventValidationError(index, type, [{ field: 'metadata', rule: 'must be an object' }], eventId);
  }
  for (const key of ['correlationId', 'causationId', 'workflowId', 'runId', 'actor'] as const) {
    const value = metadata[key];
    if (value !== undefined && typeof value !== 'string') {
      throw new EventValidationError(index, type, [{ field: `metadata.${key}`, rule: 'must be a string' }], eventId);
    }
  }
  return metadata;
}

function checkSize(json: string, field: 'data' | 'metadata', limit: number, index: number, type: string, eventId: string): void {
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > limit) {
    throw new EventValidationError(index, type, [{ field, rule: `is ${bytes} bytes of JSON, over the limit of ${limit} bytes` }], eventId);
  }
}

/**
 * jsonb cannot hold the NUL character, and JSON text with a lone surrogate is not valid UTF-8:
 * PostgreSQL refuses both with raw errors (22P05, 22P02). JSON.stringify writes them as \u0000 and
 * \udXXX escapes, so one scan of the serialized text finds them; only then is the value walked, to
 * name the field.
 */
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

function checkStorableText(json: string, value: unknown, field: 'data' | 'metadata', index: number, type: string, eventId: string): void {
  // Most payloads hold no \u escape at all: a substring search settles them without the regex.
  if (!json.includes('\\u') || !UNSTORABLE_ESCAPE.test(json)) return;
  const found = findUnstorable(value, field);
  throw new EventValidationError(index, type, [{ field: found?.path ?? field, rule: found?.rule ?? 'holds text PostgreSQL cannot store' }], eventId);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function findUnstorable(value: unknown, path: string): { path: string; rule: string } | undefined {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { path, rule: 'must not contain the NUL character (\\u0000), which PostgreSQL cannot store' };
    if (LONE_SURROGATE.test(value)) return { path, rule: 'must be well-formed Unicode (it holds a lone surrogate)' };
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const keyIssue = findUnstorable(key, `${path} key ${JSON.stringify(key)}`);
    if (keyIssue) return keyIssue;
    const issue = findUnstorable(child, `${path}.${key}`);
    if (issue) return issue;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'bigint') return `the BigInt ${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value === 'undefined' ? 'undefined' : `a${typeof value === 'object' ? 'n' : ''} ${typeof value}`;
}

function assertExpectedVersion(expected: unknown): asserts expected is ExpectedVersion {
  const valid =
    typeof expected === 'number' ? Number.isSafeInteger(expected) && expected >= 0 : typeof expected === 'string' && ['no_stream', 'stream_exists', 'any'].includes(expected);
  if (!valid) {
    throw new EventStoreError(`expectedVersion must be a whole number ≥ 0, 'no_stream', 'stream_exists' or 'any'; got ${describe(expected)}`);
  }
}
