import type pg from 'pg';
import {
  compareCheckpoints,
  countThrough,
  fingerprintOf,
  fingerprintSql,
  ORDER_KEY_SQL,
  WINDOW_AGGREGATES_SQL,
  windowCount,
  type DigestProgress,
  type LogDigest,
  type WindowRow,
} from './logDigest';
import { LOG_VIEW } from './tables';
import type { Checkpoint } from './types';
import { chainBreaks, type ChainBreak } from './verifyChain';
import { logPageSql } from './logPages';

/** An event the digest covered that is no longer in the log, named from what the log still holds. */
export type MissingEvent =
  /** Later versions of the stream are still there. */
  | { streamId: string; version: number; where: 'gap' }
  /** The stream now ends before it, up to the digest's end. */
  | { streamId: string; version: number; where: 'last'; streamNowEndsAt: number };

/** An event as it is in the log now. */
export interface LoggedEvent {
  globalPosition: number;
  transactionId: string;
  streamId: string;
  version: number;
  type: string;
  createdAt: string;
}

export interface WindowDifference {
  index: number;
  /** The window holds the events after this point of the global order (null: from the start of the log)… */
  after: Checkpoint | null;
  /** …through this one, the digest's record of its last event. */
  through: Checkpoint;
  expectedEvents: number;
  actualEvents: number;
  /**
   * `missing`: fewer events; `added`: more; `rewritten`: the same streams and versions with other
   * content (a rewrite with the hash chain recomputed looks like this); `replaced`: as many events,
   * but not the same streams and versions.
   */
  change: 'missing' | 'added' | 'rewritten' | 'replaced';
  /** Missing events named by a version gap or by a stream that now ends before them. */
  missing: MissingEvent[];
  /** Missing events nothing left in the log names: a whole stream deleted, or more than one stream's last events. */
  unnamedMissing: number;
  /** Events that were not in the log when the digest was taken (named when there is one). */
  added: LoggedEvent[];
  /** The window's events now, for a window rewritten or replaced; at most `listLimit`. */
  events?: LoggedEvent[];
}

export interface PlacedChainBreak extends ChainBreak {
  /** The digest window it lies in. */
  window: number;
}

export interface LogVerification {
  ok: boolean;
  /** The digest's last event: the log is compared up to it. */
  through: Checkpoint | null;
  digestHead: string;
  windows: number;
  events: { digest: number; now: number };
  streams: { digest: number; now: number };
  /** Set when the digest's last event is gone: the log was cut at the end. */
  truncated?: {
    /** The last event up to the digest's end now, null when none is left. */
    lastEventNow: Checkpoint | null;
    /** The window that event lies in (0 when none is left). */
    fromWindow: number;
    /** Events missing from that window on, together: the events cut off, and any others deleted there. */
    missingFromThere: number;
  };
  differingWindows: WindowDifference[];
  /** The per-stream hash chain over the events up to the digest's end. */
  chain: { eventsChecked: number; brokenCount: number; breaks: PlacedChainBreak[] };
  /** Events after the digest's end: appended since, not covered, not a difference. */
  appendedSince: number;
}

export interface VerifyLogOptions {
  onProgress?: (progress: DigestProgress) => void;
  /** At most this many events listed per window, for at most 10 windows (default 1024). */
  listLimit?: number;
}

const PAGE_EVENTS = 65_536;
const LISTED_WINDOWS = 10;
const GAP_VERSIONS_NAMED = 10_000;
/** Lost last events are looked for in runs of at most this many per window… */
const LOST_RUN_LENGTH = 4;
/** …starting at most this many versions after a stream's last event: each stream costs LOST_RUN_OFFSETS × run length hashes. */
const LOST_RUN_OFFSETS = 4;

/**
 * Compares the log up to a digest's last event with the digest: window by window (count,
 * fingerprint, head), then the per-stream hash chain over the same events. Events appended after the
 * digest's end are counted, never held against the log. A difference is named as far as the log
 * lets: a missing event by the version gap it leaves or by the stream that now ends before it (the
 * window's fingerprint says which), an added one by its fingerprint, a rewritten window by its events.
 * Measured with 100,000 events in 20,000 streams: 1.2–1.5 s, most of it the hash chain, which is one
 * statement: progress is reported for the windows only.
 */
export async function verifyLogAgainst(db: pg.Pool | pg.PoolClient, digest: LogDigest, { onProgress, listLimit = 1024 }: VerifyLogOptions = {}): Promise<LogVerification> {
  const rows = await recomputeWindows(db, digest, onProgress);
  const end = digest.through;
  const now = end ? await countThrough(db, end) : { events: 0, streams: 0 };
  const chain = end ? await chainBreaks(db, { through: end }) : { eventsChecked: 0, brokenCount: 0, breaks: [] };
  const windowOf = (key: Checkpoint) => windowIndexOf(digest, key);

  const differing: Differing[] = [];
  rows.forEach((row, index) => {
    const window = digest.windows[index]!;
    const expectedEvents = windowCount(digest, index);
    const xor = BigInt(`0x${window.fingerprint}`) ^ BigInt(row.fingerprint);
    if (row.count === expectedEvents && row.head === window.head && xor === 0n) return;
    differing.push({
      index,
      after: index === 0 ? null : digest.windows[index - 1]!.through,
      through: window.through,
      expectedEvents,
      actualEvents: row.count,
      change: 'missing',
      missing: [],
      unnamedMissing: 0,
      added: [],
      deficit: expectedEvents - row.count,
      xor,
    });
  });

  nameGaps(differing, chain.breaks, windowOf);
  if (end) await nameLostLastEvents(db, end, differing, windowOf);
  for (const w of differing) {
    if (w.deficit === -1 && w.missing.length === 0) w.added = await eventsOfWindow(db, w, 1, w.xor);
    w.unnamedMissing = Math.max(w.deficit, 0);
    w.change = w.actualEvents < w.expectedEvents ? 'missing' : w.actualEvents > w.expectedEvents ? 'added' : w.xor === 0n ? 'rewritten' : 'replaced';
  }
  for (const w of differing.filter((d) => d.change === 'rewritten' || d.change === 'replaced').slice(0, LISTED_WINDOWS)) w.events = await eventsOfWindow(db, w, listLimit);

  let truncated: LogVerification['truncated'];
  if (end && !(await exists(db, end))) {
    const lastEventNow = await lastEventThrough(db, end);
    const from = lastEventNow ? windowOf(lastEventNow) : 0;
    const missingFromThere = rows.slice(from).reduce((sum, row, i) => sum + windowCount(digest, from + i) - row.count, 0);
    truncated = { lastEventNow, fromWindow: from, missingFromThere };
  }
  const differingWindows = differing.map(({ deficit: _deficit, xor: _xor, ...w }) => w);
  return {
    ok: differingWindows.length === 0 && chain.brokenCount === 0 && !truncated && now.events === digest.events && now.streams === digest.streams,
    through: end,
    digestHead: digest.head,
    windows: digest.windows.length,
    events: { digest: digest.events, now: now.events },
    streams: { digest: digest.streams, now: now.streams },
    ...(truncated ? { truncated } : {}),
    differingWindows,
    chain: { eventsChecked: chain.eventsChecked, brokenCount: chain.brokenCount, breaks: chain.breaks.map((b) => ({ ...b, window: windowOf(b) })) },
    appendedSince: await countAfter(db, end),
  };
}

/** Each digest window recomputed over the log as it is now, from the digest's own window bounds. */
async function recomputeWindows(db: pg.Pool | pg.PoolClient, digest: LogDigest, onProgress?: (progress: DigestProgress) => void): Promise<WindowRow[]> {
  const rows: WindowRow[] = [];
  const perPage = Math.max(1, Math.floor(PAGE_EVENTS / digest.windowSize));
  for (let first = 0; first < digest.windows.length; first += perPage) {
    const page = digest.windows.slice(first, first + perPage);
    const afters = page.map((_, i) => (first + i === 0 ? { transactionId: '0', globalPosition: 0 } : digest.windows[first + i - 1]!.through));
    const { rows: pageRows } = await db.query<WindowRow>(
      `select x.*
         from unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[]) with ordinality as b(after_x, after_p, through_x, through_p, w)
        cross join lateral (
              select ${WINDOW_AGGREGATES_SQL}
                from ${LOG_VIEW} e
               where ${ORDER_KEY_SQL} > (b.after_x::xid8, b.after_p) and ${ORDER_KEY_SQL} <= (b.through_x::xid8, b.through_p)) x
        order by b.w`,
      [afters.map((a) => a.transactionId), afters.map((a) => a.globalPosition), page.map((w) => w.through.transactionId), page.map((w) => w.through.globalPosition)],
    );
    rows.push(...pageRows);
    onProgress?.({ done: Math.min(digest.events, (first + page.length) * digest.windowSize), total: digest.events });
  }
  return rows;
}

/** The window a point of the global order falls in: the first whose last event is not before it. */
function windowIndexOf(digest: LogDigest, key: Checkpoint): number {
  let low = 0;
  let high = digest.windows.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (compareCheckpoints(digest.windows[middle]!.through, key) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A differing window while it is being explained: events still unaccounted for, and the fingerprints they leave. */
type Differing = WindowDifference & { deficit: number; xor: bigint };

/**
 * A version gap names its missing versions; each lies between its neighbours in the global order,
 * so in one of the windows from the previous event's to the next one's. Of those, it is put in a
 * window still short of events, the one whose fingerprint it settles exactly if there is one.
 */
function nameGaps(differing: Differing[], breaks: ChainBreak[], windowOf: (key: Checkpoint) => number): void {
  let named = 0;
  for (const link of breaks) {
    const from = (link.previousVersion ?? 0) + 1;
    for (let version = from; version < link.version && named < GAP_VERSIONS_NAMED; version++, named++) {
      const first = link.previous ? windowOf(link.previous) : 0;
      const last = windowOf(link);
      const fingerprint = fingerprintOf(link.streamId, version);
      const candidates = differing.filter((w) => w.index >= first && w.index <= last && w.deficit > 0);
      const window = candidates.find((w) => w.deficit === 1 && w.xor === fingerprint) ?? candidates[0];
      if (!window) continue;
      window.missing.push({ streamId: link.streamId, version, where: 'gap' });
      window.deficit -= 1;
      window.xor ^= fingerprint;
    }
  }
}

/**
 * A window short of a few events that no gap accounts for: they may have been the last events of a
 * stream that is still there. For each stream, runs of the versions after its last one up to the
 * digest's end (starting up to LOST_RUN_OFFSETS versions on, as long as the window is short) are
 * fingerprinted and matched with the window's; the stream's last event must lie at or before the window.
 */
async function nameLostLastEvents(db: pg.Pool | pg.PoolClient, end: Checkpoint, differing: Differing[], windowOf: (key: Checkpoint) => number): Promise<void> {
  const open = differing.filter((w) => w.deficit >= 1 && w.deficit <= LOST_RUN_LENGTH && w.xor !== 0n);
  if (open.length === 0) return;
  const { rows } = await db.query<{ stream_id: string; kept: string; first: string; n: number; fingerprint: string; transaction_id: string; global_position: string }>(
    `with tails as (
       select e.stream_id, max(e.version) as version
         from ${LOG_VIEW} e
        where ${ORDER_KEY_SQL} <= ($1::text::xid8, $2::bigint)
        group by e.stream_id
     ), wanted as (
       select * from unnest($3::bigint[], $4::int[]) as w(fingerprint, n)
     ), matched as (
       select t.stream_id, t.version as kept, t.version + a as first, s.n, r.x
         from tails t
        cross join generate_series(1, $5::int) a
        cross join (select distinct n from wanted) s
        cross join lateral (select bit_xor(${fingerprintSql('t.stream_id', 't.version + a + i')}) as x from generate_series(0, s.n - 1) i) r
        where (r.x, s.n) in (select fingerprint, n from wanted)
     )
     select m.stream_id, m.kept, m.first, m.n, m.x::text as fingerprint, e.transaction_id::text as transaction_id, e.global_position
       from matched m
       join ${LOG_VIEW} e on e.stream_id = m.stream_id and e.version = m.kept
      order by m.first`,
    [end.transactionId, end.globalPosition, open.map((w) => w.xor.toString()), open.map((w) => w.deficit), LOST_RUN_OFFSETS],
  );
  for (const row of rows) {
    const fingerprint = BigInt(row.fingerprint);
    const lastKept = windowOf({ transactionId: row.transaction_id, globalPosition: Number(row.global_position) });
    const window = open.find((w) => w.deficit === row.n && w.xor === fingerprint && w.index >= lastKept);
    if (!window) continue;
    for (let i = 0; i < row.n; i++) window.missing.push({ streamId: row.stream_id, version: Number(row.first) + i, where: 'last', streamNowEndsAt: Number(row.kept) });
    window.deficit = 0;
    window.xor = 0n;
  }
}

/** The window's events now, in the global order; with `fingerprint`, only the event it names. */
async function eventsOfWindow(db: pg.Pool | pg.PoolClient, window: Pick<WindowDifference, 'after' | 'through'>, limit: number, fingerprint?: bigint): Promise<LoggedEvent[]> {
  const after = window.after ?? { transactionId: '0', globalPosition: 0 };
  const { rows } = await db.query<{ global_position: string; transaction_id: string; stream_id: string; version: string; event_type: string; created_at: Date }>(
    `select e.global_position, e.transaction_id::text as transaction_id, e.stream_id, e.version, e.event_type, e.created_at
       from ${LOG_VIEW} e
      where ${ORDER_KEY_SQL} > ($1::text::xid8, $2::bigint) and ${ORDER_KEY_SQL} <= ($3::text::xid8, $4::bigint)
        and ($6::bigint is null or ${fingerprintSql('e.stream_id', 'e.version')} = $6::bigint)
      order by e.transaction_id, e.global_position
      limit $5`,
    [after.transactionId, after.globalPosition, window.through.transactionId, window.through.globalPosition, limit, fingerprint?.toString() ?? null],
  );
  return rows.map((row) => ({
    globalPosition: Number(row.global_position),
    transactionId: row.transaction_id,
    streamId: row.stream_id,
    version: Number(row.version),
    type: row.event_type,
    createdAt: row.created_at.toISOString(),
  }));
}

async function exists(db: pg.Pool | pg.PoolClient, key: Checkpoint): Promise<boolean> {
  const { rows } = await db.query(`select 1 from ${LOG_VIEW} e where ${ORDER_KEY_SQL} = ($1::text::xid8, $2::bigint)`, [key.transactionId, key.globalPosition]);
  return rows.length > 0;
}

async function lastEventThrough(db: pg.Pool | pg.PoolClient, end: Checkpoint): Promise<Checkpoint | null> {
  const { rows } = await db.query<{ transaction_id: string; global_position: string }>(
    logPageSql({ select: 'e.transaction_id::text as transaction_id, e.global_position', where: `${ORDER_KEY_SQL} <= ($1::text::xid8, $2::bigint)`, limit: '1', descending: true }),
    [end.transactionId, end.globalPosition],
  );
  return rows[0] ? { transactionId: rows[0].transaction_id, globalPosition: Number(rows[0].global_position) } : null;
}

async function countAfter(db: pg.Pool | pg.PoolClient, end: Checkpoint | null): Promise<number> {
  const after = end ?? { transactionId: '0', globalPosition: 0 };
  const { rows } = await db.query<{ n: string }>(`select count(*) as n from ${LOG_VIEW} e where ${ORDER_KEY_SQL} > ($1::text::xid8, $2::bigint)`, [
    after.transactionId,
    after.globalPosition,
  ]);
  return Number(rows[0]!.n);
}

