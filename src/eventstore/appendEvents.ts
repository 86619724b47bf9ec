import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ContractRegistry } from './contracts';
import { ConcurrencyError, EventStoreError, EventValidationError, IdempotencyConflictError } from './errors';
import { streamTypeOf } from './streamIds';
import { APPEND_FUNCTION, EVENT_ID_CONSTRAINT, STREAM_VERSION_CONSTRAINT } from './tables';
import type { AppendResult, EventMetadata, ExpectedVersion, NewEvent } from './types';

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
}

export interface AppendSettings {
  contracts: ContractRegistry;
  /** Largest accepted `data` payload, in bytes of JSON. */
  maxPayloadBytes: number;
  /** Raise pg_notify on commit so subscribers wake without polling. */
  notify: boolean;
}

/** The row the append function returns; expected outcomes are a result code, not an exception. */
interface AppendSqlResult {
  result: 'appended' | 'duplicate' | 'id_conflict' | 'version_mismatch' | 'stale_transaction';
  stream_version: string;
  positions: string[] | null;
  transaction_id: string | null;
  conflicting_event_id: string | null;
}

const APPEND_SQL = `select * from ${APPEND_FUNCTION}($1, $2, $3, $4, $5::jsonb, $6)`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A writer racing a longer transaction gets `stale_transaction`; a fresh attempt resolves it. */
const STALE_RETRIES = 5;

/**
 * Appends events to one stream in one transaction and one round trip. Every payload is validated
 * first; if any is invalid, nothing is sent. Re-appending the same event ids with the same content
 * returns the original positions and writes nothing.
 */
export async function appendEvents(
  db: pg.Pool | pg.PoolClient,
  settings: AppendSettings,
  streamId: string,
  events: NewEvent[],
  { expectedVersion }: AppendOptions,
): Promise<AppendResult> {
  const streamType = streamTypeOf(streamId);
  assertExpectedVersion(expectedVersion);
  if (events.length === 0) throw new EventStoreError(`append to ${streamId}: events must not be empty`);
  const rows = events.map((event, index) => toRow(settings, event, index));
  const [mode, version] = typeof expectedVersion === 'number' ? ['exact', expectedVersion] : [expectedVersion, null];
  const params = [streamId, streamType, mode, version, JSON.stringify(rows), settings.notify];

  for (let attempt = 0; ; attempt++) {
    let row: AppendSqlResult;
    try {
      row = (await db.query<AppendSqlResult>(APPEND_SQL, params)).rows[0]!;
    } catch (error) {
      const pgError = error as { code?: string; constraint?: string };
      if (pgError.code === '23505' && pgError.constraint === STREAM_VERSION_CONSTRAINT) {
        // Another writer took the version between our read and our insert.
        throw new ConcurrencyError(streamId, expectedVersion, await currentVersion(db, streamId));
      }
      if (pgError.code === '23505' && pgError.constraint === EVENT_ID_CONSTRAINT && attempt === 0 && !('release' in db)) {
        continue; // the same events were being appended concurrently (a retry racing its original): look again
      }
      throw error;
    }
    switch (row.result) {
      case 'appended':
      case 'duplicate': {
        const positions = row.positions!.map(Number);
        const transactionId = row.transaction_id!;
        return {
          streamVersion: Number(row.stream_version),
          positions,
          transactionId,
          checkpoint: { transactionId, globalPosition: positions[positions.length - 1]! },
          duplicate: row.result === 'duplicate',
        };
      }
      case 'id_conflict':
        throw new IdempotencyConflictError(streamId, row.conflicting_event_id!);
      case 'version_mismatch':
        throw new ConcurrencyError(streamId, expectedVersion, Number(row.stream_version));
      case 'stale_transaction':
        if (attempt < STALE_RETRIES && !('release' in db)) continue;
        throw new ConcurrencyError(streamId, expectedVersion, Number(row.stream_version));
    }
  }
}

function toRow(settings: AppendSettings, event: NewEvent, index: number) {
  const eventId = event.eventId ?? randomUUID();
  if (!UUID.test(eventId)) {
    throw new EventValidationError(index, String(event.type), [{ field: 'eventId', rule: 'must be a UUID' }], eventId);
  }
  if (typeof event.type !== 'string' || event.type.length === 0) {
    throw new EventValidationError(index, String(event.type), [{ field: 'type', rule: 'must be a non-empty string' }], eventId);
  }
  const { schemaVersion, data } = settings.contracts.validate(event.type, event.data, index, eventId);
  const bytes = Buffer.byteLength(JSON.stringify(data) ?? '', 'utf8');
  if (bytes > settings.maxPayloadBytes) {
    throw new EventValidationError(
      index,
      event.type,
      [{ field: 'data', rule: `is ${bytes} bytes of JSON, over the limit of ${settings.maxPayloadBytes} bytes` }],
      eventId,
    );
  }
  return { event_id: eventId, event_type: event.type, schema_version: schemaVersion, data, metadata: checkMetadata(event.metadata, index, event.type, eventId) };
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

function assertExpectedVersion(expected: ExpectedVersion): void {
  if (typeof expected === 'number') {
    if (!Number.isSafeInteger(expected) || expected < 0) {
      throw new EventStoreError(`expectedVersion must be a whole number ≥ 0, 'no_stream', 'stream_exists' or 'any'; got ${expected}`);
    }
  } else if (!['no_stream', 'stream_exists', 'any'].includes(expected)) {
    throw new EventStoreError(`expectedVersion must be a whole number ≥ 0, 'no_stream', 'stream_exists' or 'any'; got ${JSON.stringify(expected)}`);
  }
}

async function currentVersion(db: pg.Pool | pg.PoolClient, streamId: string): Promise<number> {
  const { rows } = await db.query<{ version: string | null }>('select max(version) as version from events where stream_id = $1', [streamId]);
  return Number(rows[0]?.version ?? 0);
}
