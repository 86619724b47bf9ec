import type { BenchEvent } from '../payloads';

/** How often a subject without a server-side retry tries an 'any version' append before the row fails. */
export const ANY_VERSION_TRIES = 100;

export const SUBJECT_NAMES = ['sagaflow', 'emmett', 'raw', 'unguarded', 'unkeyed', 'unqueued', 'encrypted'] as const;
export type SubjectName = (typeof SUBJECT_NAMES)[number];

/** One store under test, bound to a pool sized for the row being measured. */
export interface SubjectSession {
  /**
   * Appends to one stream under optimistic concurrency: expectedVersion is the stream's version
   * before the append, 0 meaning the stream must not exist yet. Throws on a conflict.
   */
  append(streamId: string, events: readonly BenchEvent[], expectedVersion: number): Promise<void>;
  /**
   * Appends to an existing stream with no expected version, racing other writers of it: the call
   * returns once the events are in, retrying by the subject's own means when it lost a race.
   * Returns how many tries it took.
   */
  appendAnyVersion(streamId: string, events: readonly BenchEvent[]): Promise<number>;
  /** Loads a new stream through the subject's bulk path. */
  importStream(streamId: string, events: readonly BenchEvent[]): Promise<void>;
  /** Reads the whole log in global order: each call returns the next page's event count, 0 at the end. */
  allReader(pageSize: number): () => Promise<number>;
  close(): Promise<void>;
}

export interface Subject {
  readonly name: SubjectName;
  /** Known reason why its read count can differ from what was written, printed with the difference. */
  readonly readCountCaveat?: string;
  /** Creates the schema in the subject's fresh, empty database. Never timed. */
  prepare(databaseUrl: string): Promise<void>;
  open(databaseUrl: string, poolSize: number): Promise<SubjectSession>;
}
