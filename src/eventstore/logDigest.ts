import { createHash } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import { EventStoreError } from './errors';
import { LOG_VIEW } from './tables';
import type { Checkpoint } from './types';
import { logPageSql } from './logPages';

/**
 * A digest of the whole log up to a point of the gap-safe global order, for the operator to keep
 * outside the database. The per-stream hash chain cannot see a stream's last event deleted, a whole
 * stream deleted, or a payload rewritten with the rest of its chain recomputed: nothing inside the
 * database remembers what was there. The digest does, as a certificate-transparency log's signed
 * tree head does, and `verifyLogAgainst` compares the log with it.
 *
 * The events are cut, in (transaction_id, global_position) order, into windows of `windowSize`
 * events. Each window records the key of its last event, a sha256 over its events in order (each
 * event's stored hash, which covers its content and time, with its global position, transaction id,
 * stream and version), and a 48-bit XOR of per-event (stream, version) fingerprints, which names a
 * single event missing from or added to a window. `head` chains the windows and the totals, so one
 * value commits to the whole file. A window takes 91 bytes of the file plus the digits of its last
 * transaction id and position: about 100 KB per million events.
 */
export const LOG_DIGEST_FORMAT = 'sagaflow-log-digest/1';
export const DEFAULT_DIGEST_WINDOW_SIZE = 1024;
export const MAX_DIGEST_WINDOW_SIZE = 1_048_576;

export interface DigestWindow {
  /** The window's last event: the window holds the events after the previous window's last one, through this one. */
  through: Checkpoint;
  /** 12 hex digits: XOR over the window's events of `fingerprintOf(streamId, version)`. */
  fingerprint: string;
  /** 64 hex digits: sha256 over the window's events in the global order. */
  head: string;
}

export interface LogDigest {
  format: typeof LOG_DIGEST_FORMAT;
  /** When it was taken (not covered by `head`: it says when, not what). */
  createdAt: string;
  /** The last event it covers, or null for an empty log. */
  through: Checkpoint | null;
  events: number;
  streams: number;
  windowSize: number;
  head: string;
  windows: DigestWindow[];
}

export interface DigestProgress {
  done: number;
  total: number;
}

export interface LogDigestOptions {
  /** Cover the events up to this point of the global order (default: the current gap-safe end). */
  through?: Checkpoint;
  /** Events per window (default 1024). */
  windowSize?: number;
  /** Called after each page of windows, with the events digested so far. */
  onProgress?: (progress: DigestProgress) => void;
}

/** The digest file is not one this version can check against; names the rule it breaks. */
export class LogDigestFormatError extends EventStoreError {
  override name = 'LogDigestFormatError';
}

/** Events read per query: whole windows, some 64 thousand events. */
const PAGE_EVENTS = 65_536;

/** The key of the global order, on the events table aliased `e`. */
export const ORDER_KEY_SQL = '(e.transaction_id, e.global_position)';

/**
 * What the digest covers of one event, as bytes: fixed-width numbers, then the stored hash and the
 * stream id each after its length, so no two different sequences of events give the same bytes.
 */
const ITEM_SQL = `int8send(e.global_position) || int8send(e.version) || convert_to(lpad(e.transaction_id::text, 20, '0'), 'UTF8')
  || int4send(octet_length(e.hash)) || e.hash
  || int4send(octet_length(convert_to(e.stream_id, 'UTF8'))) || convert_to(e.stream_id, 'UTF8')`;

/** The first 48 bits of sha256("{streamId}\n{version}") as a bigint; `fingerprintOf` computes the same in JavaScript. */
export function fingerprintSql(streamId: string, version: string): string {
  return `('x' || encode(substring(sha256(convert_to(${streamId} || E'\\n' || (${version})::text, 'UTF8')) from 1 for 6), 'hex'))::bit(48)::bigint`;
}

export function fingerprintOf(streamId: string, version: number): bigint {
  return BigInt(`0x${createHash('sha256').update(`${streamId}\n${version}`, 'utf8').digest().subarray(0, 6).toString('hex')}`);
}

export function fingerprintHex(value: bigint): string {
  return value.toString(16).padStart(12, '0');
}

/** The aggregates one window is made of, over rows of events aliased `e`. */
export const WINDOW_AGGREGATES_SQL = `count(*)::int as count,
  encode(sha256(string_agg(${ITEM_SQL}, ''::bytea order by e.transaction_id, e.global_position)), 'hex') as head,
  coalesce(bit_xor(${fingerprintSql('e.stream_id', 'e.version')}), 0)::text as fingerprint,
  (array_agg(e.transaction_id::text order by e.transaction_id desc, e.global_position desc))[1] as last_transaction_id,
  (array_agg(e.global_position order by e.transaction_id desc, e.global_position desc))[1] as last_position`;

export interface WindowRow {
  count: number;
  head: string | null;
  /** Decimal. */
  fingerprint: string;
  last_transaction_id: string | null;
  last_position: string | null;
}

/**
 * Digests the log up to `through` (default: its gap-safe end, the events of transactions older than
 * every one still running, so nothing can later commit inside the range). Reads in pages of whole
 * windows. Measured on the tests' embedded PostgreSQL 18 (two shared cores), 100,000 events in
 * 20,000 streams: 0.53–0.66 s, and a 10 KB digest.
 */
export async function computeLogDigest(db: pg.Pool | pg.PoolClient, { through, windowSize = DEFAULT_DIGEST_WINDOW_SIZE, onProgress }: LogDigestOptions = {}): Promise<LogDigest> {
  checkWindowSize(windowSize);
  const createdAt = new Date().toISOString();
  const { rows: ends } = await db.query<{ transaction_id: string; global_position: string }>(
    logPageSql({
      select: 'e.transaction_id::text as transaction_id, e.global_position',
      where: `e.transaction_id < pg_snapshot_xmin(pg_current_snapshot()) and ($1::text is null or ${ORDER_KEY_SQL} <= ($1::text::xid8, $2::bigint))`,
      limit: '1',
      descending: true,
    }),
    [through?.transactionId ?? null, through?.globalPosition ?? null],
  );
  const end = ends[0] ? { transactionId: ends[0].transaction_id, globalPosition: Number(ends[0].global_position) } : null;
  const totals = end ? await countThrough(db, end) : { events: 0, streams: 0 };

  const windows: DigestWindow[] = [];
  const pageEvents = Math.max(1, Math.floor(PAGE_EVENTS / windowSize)) * windowSize;
  let after: Checkpoint = { transactionId: '0', globalPosition: 0 };
  let done = 0;
  while (end && done < totals.events) {
    const { rows } = await db.query<WindowRow>(
      `select ${WINDOW_AGGREGATES_SQL}
         from (select e.*, (row_number() over (order by e.transaction_id, e.global_position) - 1) / $5 as w
                 from (${logPageSql({ select: 'e.*', where: `${ORDER_KEY_SQL} > ($1::text::xid8, $2::bigint) and ${ORDER_KEY_SQL} <= ($3::text::xid8, $4::bigint)`, limit: '$6' })}) e) e
        group by e.w
        order by e.w`,
      [after.transactionId, after.globalPosition, end.transactionId, end.globalPosition, windowSize, pageEvents],
    );
    if (rows.length === 0) throw new EventStoreError(`the log changed while it was being digested: events up to ${end.globalPosition} disappeared`);
    for (const row of rows) {
      after = { transactionId: row.last_transaction_id!, globalPosition: Number(row.last_position) };
      windows.push({ through: after, fingerprint: fingerprintHex(BigInt(row.fingerprint)), head: row.head! });
      done += row.count;
    }
    onProgress?.({ done, total: totals.events });
  }
  if (done !== totals.events) throw new EventStoreError(`the log changed while it was being digested: counted ${totals.events} events, digested ${done}`);
  const body = { through: end, events: totals.events, streams: totals.streams, windowSize, windows };
  return { format: LOG_DIGEST_FORMAT, createdAt, ...body, head: digestHead(body) };
}

/** How many events, and of how many streams, the log holds up to `through`. */
export async function countThrough(db: pg.Pool | pg.PoolClient, through: Checkpoint): Promise<{ events: number; streams: number }> {
  const { rows } = await db.query<{ events: string; streams: string }>(
    `select count(*) as events, count(distinct e.stream_id) as streams
       from ${LOG_VIEW} e
      where ${ORDER_KEY_SQL} <= ($1::text::xid8, $2::bigint)`,
    [through.transactionId, through.globalPosition],
  );
  return { events: Number(rows[0]!.events), streams: Number(rows[0]!.streams) };
}

/** How many events window `index` held: every window is full but the last. */
export function windowCount(digest: Pick<LogDigest, 'events' | 'windowSize' | 'windows'>, index: number): number {
  return index < digest.windows.length - 1 ? digest.windowSize : digest.events - (digest.windows.length - 1) * digest.windowSize;
}

/** sha256 chained over the windows, then the totals: one value for everything the digest says. */
export function digestHead(digest: Pick<LogDigest, 'events' | 'streams' | 'windowSize' | 'windows'>): string {
  let head = createHash('sha256').update(`${LOG_DIGEST_FORMAT}\n${digest.windowSize}\n`).digest();
  digest.windows.forEach((window, index) => {
    const { transactionId, globalPosition } = window.through;
    head = createHash('sha256')
      .update(head)
      .update(`${index}\n${transactionId}\n${globalPosition}\n${windowCount(digest, index)}\n${window.fingerprint}\n`)
      .update(Buffer.from(window.head, 'hex'))
      .digest();
  });
  return createHash('sha256').update(head).update(`${digest.events}\n${digest.streams}\n`).digest('hex');
}

/**
 * The digest as a file: one line per field and per window, each window as
 * [last transaction id, last global position, fingerprint, head] (see `windowColumns`).
 */
export function formatLogDigest(digest: LogDigest): string {
  const { windows, ...fields } = digest;
  const lines = Object.entries({ ...fields, windowColumns: WINDOW_COLUMNS }).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  const rows = windows.map((w) => `  ${JSON.stringify([w.through.transactionId, w.through.globalPosition, w.fingerprint, w.head])}`);
  return `{\n${lines.join(',\n')},\n  "windows": [${rows.length === 0 ? ']' : `\n${rows.join(',\n')}\n  ]`}\n}\n`;
}

const WINDOW_COLUMNS = ['lastTransactionId', 'lastGlobalPosition', 'fingerprint', 'head'] as const;

const decimal = z.string().regex(/^(0|[1-9]\d{0,19})$/, 'must be a transaction id: a decimal string');
const position = z.number().int().min(1);
const checkpoint = z.object({ transactionId: decimal, globalPosition: position }).strict();
const hex = (digits: number) => z.string().regex(new RegExp(`^[0-9a-f]{${digits}}$`), `must be ${digits} lowercase hex digits`);
const digestSchema = z
  .object({
    format: z.literal(LOG_DIGEST_FORMAT, { error: `must be "${LOG_DIGEST_FORMAT}"` }),
    createdAt: z.iso.datetime(),
    through: checkpoint.nullable(),
    events: z.number().int().min(0),
    streams: z.number().int().min(0),
    windowSize: z.number().int().min(1).max(MAX_DIGEST_WINDOW_SIZE),
    head: hex(64),
    windowColumns: z.tuple([z.literal(WINDOW_COLUMNS[0]), z.literal(WINDOW_COLUMNS[1]), z.literal(WINDOW_COLUMNS[2]), z.literal(WINDOW_COLUMNS[3])]),
    windows: z.array(z.tuple([decimal, position, hex(12), hex(64)])),
  })
  .strict();

/**
 * Reads a digest file's JSON back, checking every rule the verification relies on: the fields and
 * their shapes, one window per `windowSize` events, windows in the global order ending at `through`,
 * and a `head` that matches the windows (a file edited or cut short does not).
 */
export function parseLogDigest(json: unknown): LogDigest {
  const parsed = digestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LogDigestFormatError(`${issue.path.length > 0 ? issue.path.join('.') : 'the file'}: ${issue.message}`);
  }
  const { windowColumns: _columns, ...data } = parsed.data;
  const digest: LogDigest = {
    ...data,
    windows: data.windows.map(([transactionId, globalPosition, fingerprint, head]) => ({ through: { transactionId, globalPosition }, fingerprint, head })),
  };
  const expectedWindows = Math.ceil(digest.events / digest.windowSize);
  if (digest.windows.length !== expectedWindows) {
    throw new LogDigestFormatError(`windows: ${digest.events} events in windows of ${digest.windowSize} make ${expectedWindows} windows, the file has ${digest.windows.length}`);
  }
  if (digest.streams > digest.events || (digest.events > 0) !== (digest.streams > 0)) {
    throw new LogDigestFormatError(`streams: ${digest.streams} streams cannot hold ${digest.events} events`);
  }
  for (let i = 1; i < digest.windows.length; i++) {
    if (compareCheckpoints(digest.windows[i - 1]!.through, digest.windows[i]!.through) >= 0) throw new LogDigestFormatError(`windows.${i}: must come after window ${i - 1} in the global order`);
  }
  const last = digest.windows[digest.windows.length - 1]?.through ?? null;
  if ((last === null) !== (digest.through === null) || (last && compareCheckpoints(last, digest.through!) !== 0)) {
    throw new LogDigestFormatError(`through: must be the last window's last event (${last ? `${last.transactionId}/${last.globalPosition}` : 'null for an empty log'})`);
  }
  if (digestHead(digest) !== digest.head) throw new LogDigestFormatError('head: does not match the windows and totals: the file was changed or cut short');
  return digest;
}

/** The global order: transaction id, then position. */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  const byTransaction = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (byTransaction !== 0n) return byTransaction < 0n ? -1 : 1;
  return Math.sign(a.globalPosition - b.globalPosition);
}

function checkWindowSize(windowSize: number): void {
  if (!Number.isSafeInteger(windowSize) || windowSize < 1 || windowSize > MAX_DIGEST_WINDOW_SIZE) {
    throw new EventStoreError(`windowSize must be a whole number from 1 to ${MAX_DIGEST_WINDOW_SIZE}, got ${String(windowSize)}`);
  }
}
