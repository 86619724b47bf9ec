import type pg from 'pg';
import { LOG_VIEW } from './tables';
import type { Checkpoint } from './types';

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

/** Rows of events aliased `e` whose stored hash does not follow from their content and the previous event's, or whose version does not follow it. */
function chainSql(filter: string): string {
  return `with chain as (
       select e.stream_id, e.version, e.global_position, e.transaction_id, e.hash,
              lag(e.version) over w as previous_version,
              lag(e.transaction_id) over w as previous_transaction_id,
              lag(e.global_position) over w as previous_position,
              sagaflow_event_hash(lag(e.hash) over w, e.event_id, e.stream_id, e.version,
                                  e.event_type, e.schema_version, e.data, e.metadata, e.created_at) as recomputed
         from ${LOG_VIEW} e
        where ${filter}
       window w as (partition by e.stream_id order by e.version)
     ), bad as (
       select * from chain
        where hash <> recomputed or version <> coalesce(previous_version, 0) + 1
     )`;
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
    `${chainSql('$1::text is null or e.stream_id = $1')}
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

/** A broken link, placed in the global order, with what precedes it in its stream. */
export interface ChainBreak extends BrokenLink {
  transactionId: string;
  /** The version before it in the stream now, null when it is the stream's first; versions in between are missing. */
  previousVersion: number | null;
  /** Where that previous event sits in the global order. */
  previous: Checkpoint | null;
}

export interface ChainBreaks {
  eventsChecked: number;
  brokenCount: number;
  /** The first `limit` broken links in the global order. */
  breaks: ChainBreak[];
}

/** Every broken link among the events up to `through` in the global order (all of them without), the first `limit` listed. */
export async function chainBreaks(db: pg.Pool | pg.PoolClient, { through, limit = 1000 }: { through?: Checkpoint | null; limit?: number } = {}): Promise<ChainBreaks> {
  const { rows } = await db.query<{
    checked: string;
    broken: string;
    breaks: Array<{
      stream_id: string;
      version: number;
      global_position: number;
      transaction_id: string;
      hash: string;
      recomputed: string;
      previous_version: number | null;
      previous_transaction_id: string | null;
      previous_position: number | null;
    }> | null;
  }>(
    `${chainSql('$1::text is null or (e.transaction_id, e.global_position) <= ($1::text::xid8, $2::bigint)')}
     select (select count(*) from chain) as checked,
            (select count(*) from bad) as broken,
            (select json_agg(json_build_object(
                      'stream_id', b.stream_id, 'version', b.version, 'global_position', b.global_position,
                      'transaction_id', b.transaction_id::text, 'hash', encode(b.hash, 'hex'), 'recomputed', encode(b.recomputed, 'hex'),
                      'previous_version', b.previous_version, 'previous_transaction_id', b.previous_transaction_id::text,
                      'previous_position', b.previous_position) order by b.transaction_id, b.global_position)
               from (select * from bad order by transaction_id, global_position limit $3) b) as breaks`,
    [through?.transactionId ?? null, through?.globalPosition ?? null, limit],
  );
  const row = rows[0]!;
  return {
    eventsChecked: Number(row.checked),
    brokenCount: Number(row.broken),
    breaks: (row.breaks ?? []).map((b) => ({
      streamId: b.stream_id,
      version: Number(b.version),
      globalPosition: Number(b.global_position),
      transactionId: b.transaction_id,
      storedHash: b.hash,
      recomputedHash: b.recomputed,
      previousVersion: b.previous_version === null ? null : Number(b.previous_version),
      previous: b.previous_transaction_id === null ? null : { transactionId: b.previous_transaction_id, globalPosition: Number(b.previous_position) },
    })),
  };
}
