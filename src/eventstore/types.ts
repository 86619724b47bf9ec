/**
 * What the writer believes about the stream before appending: its exact version (the number of
 * events in it; 0 means it does not exist yet), that it does not exist, that it exists, or nothing.
 */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

export interface EventMetadata {
  /** The business transaction this event belongs to (for a saga: its workflow id). */
  correlationId?: string;
  /** The event (or command) that caused this one. */
  causationId?: string;
  workflowId?: string;
  runId?: string;
  /** Who or what acted: a user id, a service name. */
  actor?: string;
  /** The W3C trace id of the trace the event was appended in (a saga's: its order's trace), when traced. */
  traceId?: string;
  /** The span in that trace that asked for the append (a saga's: its workflow's span scheduling the activity). */
  spanId?: string;
  [key: string]: unknown;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  /** Idempotency key. Make it before the first attempt (in a workflow: uuid4()) and resend it on retry. */
  eventId?: string;
  type: Type;
  data: Data;
  metadata?: EventMetadata;
}

/**
 * A point in the global order, (transaction id, position). Every event committed later sorts after
 * every event already read, so a reader that resumes after its checkpoint misses nothing.
 */
export interface Checkpoint {
  /** The appending transaction's id (xid8), as a decimal string. */
  transactionId: string;
  globalPosition: number;
}

export const START: Checkpoint = Object.freeze({ transactionId: '0', globalPosition: 0 });

export interface StoredEvent<Type extends string = string, Data = unknown> {
  globalPosition: number;
  transactionId: string;
  eventId: string;
  streamId: string;
  streamType: string;
  /** Position in its stream, from 1. */
  version: number;
  type: Type;
  /** The contract version of `data` as handed out: the latest, after upcasting. */
  schemaVersion: number;
  /** The contract version the row was written with. */
  storedSchemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  createdAt: Date;
  /** Hex sha256 linking this event to the previous one in its stream. */
  hash: string;
}

export interface AppendResult {
  /** The stream's version after the append: pass it as expectedVersion next time. */
  streamVersion: number;
  /** Global positions of the appended events, in order. */
  positions: number[];
  transactionId: string;
  /** The checkpoint of the last appended event: a projection that has passed it reflects this append. */
  checkpoint: Checkpoint;
  /** True when these events had been appended before (a retry): nothing was written this time. */
  duplicate: boolean;
}

export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  const ta = BigInt(a.transactionId);
  const tb = BigInt(b.transactionId);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.globalPosition - b.globalPosition;
}

export function checkpointOf(event: Pick<StoredEvent, 'transactionId' | 'globalPosition'>): Checkpoint {
  return { transactionId: event.transactionId, globalPosition: event.globalPosition };
}
