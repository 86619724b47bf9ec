import type { ContractRegistry } from './contracts';
import { holdsSealed, openPayloads } from './personalData/cipher';
import type { EventMetadata, StoredEvent } from './types';

/**
 * The columns every read selects, in the shape `toStoredEvent` maps. The hash comes as hex text,
 * the form readers get: as bytea the driver would decode it into a Buffer to be encoded again.
 */
export const EVENT_COLUMNS =
  "global_position, transaction_id::text as transaction_id, event_id, stream_id, stream_type, version, event_type, schema_version, data, metadata, created_at, encode(hash, 'hex') as hash";

export interface EventRow {
  global_position: string;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  stream_type: string;
  version: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  created_at: Date;
  /** Hex. */
  hash: string;
}

/**
 * Maps rows to the events readers see: sealed personal fields opened (or read as erased), then
 * upcast. Every read of the log goes through here, so no reader meets ciphertext.
 */
export async function toStoredEvents(rows: EventRow[], contracts: ContractRegistry): Promise<StoredEvent[]> {
  // Most pages hold no sealed field: they map straight through, with nothing allocated to open them.
  if (!rows.some((row) => holdsSealed(row.data))) return rows.map((row) => toStoredEvent(row, row.data, contracts));
  const payloads = rows.map((row) => ({ eventId: row.event_id, eventType: row.event_type, data: row.data }));
  await openPayloads(payloads, contracts.personalData);
  return rows.map((row, i) => toStoredEvent(row, payloads[i]!.data, contracts));
}

/** Maps a row and its opened payload to the event readers see: payload upcast to the latest contract version. */
function toStoredEvent(row: EventRow, opened: unknown, contracts: ContractRegistry): StoredEvent {
  const { schemaVersion, data } = contracts.upcast(row.event_type, row.schema_version, opened);
  return {
    globalPosition: Number(row.global_position),
    transactionId: row.transaction_id,
    eventId: row.event_id,
    streamId: row.stream_id,
    streamType: row.stream_type,
    version: Number(row.version),
    type: row.event_type,
    schemaVersion,
    storedSchemaVersion: row.schema_version,
    data,
    metadata: row.metadata,
    createdAt: row.created_at,
    hash: row.hash,
  };
}
