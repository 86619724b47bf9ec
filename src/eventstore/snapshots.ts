import type pg from 'pg';

/**
 * How a fold is cached. `formatVersion` names the shape of the stored state: bump it whenever
 * evolve or the state changes, and snapshots of other formats are ignored, never trusted.
 */
export interface SnapshotPolicy<State> {
  name: string;
  formatVersion: number;
  /** Take a snapshot once this many events have been folded past the last one. */
  every: number;
  toJSON?: (state: State) => unknown;
  fromJSON?: (json: unknown) => State;
}

export interface Snapshot<State> {
  version: number;
  state: State;
}

export async function loadSnapshot<State>(
  db: pg.Pool | pg.PoolClient,
  streamId: string,
  policy: SnapshotPolicy<State>,
  atMostVersion: number | undefined,
): Promise<Snapshot<State> | undefined> {
  const { rows } = await db.query<{ version: string; state: unknown }>(
    `select version, state from stream_snapshots
      where stream_id = $1 and name = $2 and format_version = $3 and ($4::bigint is null or version <= $4)
      order by version desc limit 1`,
    [streamId, policy.name, policy.formatVersion, atMostVersion ?? null],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { version: Number(row.version), state: policy.fromJSON ? policy.fromJSON(row.state) : (row.state as State) };
}

export async function saveSnapshot<State>(
  db: pg.Pool | pg.PoolClient,
  streamId: string,
  policy: SnapshotPolicy<State>,
  snapshot: Snapshot<State>,
): Promise<void> {
  const state = policy.toJSON ? policy.toJSON(snapshot.state) : snapshot.state;
  await db.query(
    `insert into stream_snapshots (stream_id, name, format_version, version, state) values ($1, $2, $3, $4, $5::jsonb)
     on conflict do nothing`,
    [streamId, policy.name, policy.formatVersion, snapshot.version, JSON.stringify(state)],
  );
}
