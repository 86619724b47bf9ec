import type pg from 'pg';
import { LOG_VIEW } from './tables';
import type { ContractRegistry } from './contracts';
import { readStream } from './readStream';
import { loadSnapshot, saveSnapshot, type SnapshotPolicy } from './snapshots';
import type { StoredEvent } from './types';

export interface AggregateOptions<State> {
  /** Fold only up to this stream version: the state as it was then. */
  asOfVersion?: number;
  /** Fold only events recorded at or before this time: "what was this order's state at 14:00?" */
  asOfTime?: Date;
  snapshot?: SnapshotPolicy<State>;
}

export interface Aggregate<State> {
  state: State;
  /** The stream version the state reflects (0: no events). */
  version: number;
}

/** Folds a stream into state, from the newest usable snapshot when a policy is given. */
export async function aggregateStream<State>(
  db: pg.Pool | pg.PoolClient,
  contracts: ContractRegistry,
  streamId: string,
  evolve: (state: State, event: StoredEvent) => State,
  initial: () => State,
  options: AggregateOptions<State> = {},
): Promise<Aggregate<State>> {
  if (options.asOfVersion !== undefined && options.asOfTime !== undefined) {
    throw new Error('aggregateStream: give asOfVersion or asOfTime, not both');
  }
  const target = options.asOfTime ? await versionAt(db, streamId, options.asOfTime) : options.asOfVersion;

  const snapshot = options.snapshot ? await loadSnapshot(db, streamId, options.snapshot, target) : undefined;
  let state = snapshot ? snapshot.state : initial();
  let version = snapshot?.version ?? 0;
  const events = target === undefined || target > version ? await readStream(db, contracts, streamId, { fromVersion: version + 1, toVersion: target }) : [];
  for (const event of events) {
    state = evolve(state, event);
    version = event.version;
  }
  if (options.snapshot && version - (snapshot?.version ?? 0) >= options.snapshot.every) {
    await saveSnapshot(db, streamId, options.snapshot, { version, state });
  }
  return { state, version };
}

async function versionAt(db: pg.Pool | pg.PoolClient, streamId: string, time: Date): Promise<number> {
  const { rows } = await db.query<{ version: string | null }>(
    // Rows written before times were kept to the millisecond hold microseconds, which a Date (and
    // every printed time) cuts off: compare at the precision the caller sees.
    `select max(version) as version from ${LOG_VIEW} where stream_id = $1 and date_trunc('milliseconds', created_at) <= $2`,
    [streamId, time],
  );
  return Number(rows[0]?.version ?? 0);
}
