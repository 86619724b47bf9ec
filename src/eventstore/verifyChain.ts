import type pg from 'pg';

export interface BrokenLink {
  streamId: string;
  version: number;
  globalPosition: number;
  storedHash: string;
  recomputedHash: string;
}

export interface ChainReport {
  eventsChecked: number;
  /** The first event (in global order) whose stored hash does not match its content and predecessor. */
  firstBroken?: BrokenLink;
  brokenCount: number;
}

/**
 * Recomputes every event's hash from its content and the stored hash of the event before it in its
 * stream. An edited row fails its own check; a row edited with its hash recomputed fails its
 * successor's; a deleted row breaks the link of the one after it.
 */
export async function verifyChain(db: pg.Pool | pg.PoolClient, streamId?: string): Promise<ChainReport> {
  const { rows } = await db.query<{
    checked: string;
    broken: string;
    stream_id: string | null;
    version: string | null;
    global_position: string | null;
    stored: Buffer | null;
    recomputed: Buffer | null;
  }>(
    `with chain as (
       select stream_id, version, global_position, transaction_id, hash,
              lag(hash) over w as previous_hash,
              lag(version) over w as previous_version,
              sagaflow_event_hash(lag(hash) over w, event_id, stream_id, version,
                                  event_type, schema_version, data, metadata, created_at) as recomputed
         from events
        where $1::text is null or stream_id = $1
       window w as (partition by stream_id order by version)
     ), bad as (
       select * from chain
        where hash <> recomputed or version <> coalesce(previous_version, 0) + 1
     )
     select (select count(*) from chain) as checked,
            (select count(*) from bad) as broken,
            b.stream_id, b.version, b.global_position, b.hash as stored, b.recomputed
       from (select 1) one
       left join lateral (select * from bad order by transaction_id, global_position limit 1) b on true`,
    [streamId ?? null],
  );
  const row = rows[0]!;
  const report: ChainReport = { eventsChecked: Number(row.checked), brokenCount: Number(row.broken) };
  if (row.stream_id !== null) {
    report.firstBroken = {
      streamId: row.stream_id,
      version: Number(row.version),
      globalPosition: Number(row.global_position),
      storedHash: row.stored!.toString('hex'),
      recomputedHash: row.recomputed!.toString('hex'),
    };
  }
  return report;
}
