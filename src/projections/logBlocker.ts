import type pg from 'pg';
import { EVENTS_TABLE } from '../eventstore/tables';

/** Characters of the blocker's statement kept: enough to recognise it, not a dump of a large one. */
const QUERY_CHARS = 200;

/**
 * The open transaction that holds the log's gap-safe read bound back while committed events wait
 * behind it. Readers stop below the oldest transaction still running (`pg_snapshot_xmin`), which is
 * server-wide: a session in any database of the server can be it.
 */
export interface LogBlocker {
  pid: number;
  /** Its database; often not the event store's. */
  database: string | null;
  user: string | null;
  applicationName: string;
  /** Its transaction id (xid8): the bound itself. */
  transactionId: string;
  /**
   * Whether this role may see the session's state, start and statement. PostgreSQL shows them for
   * other roles' sessions only to superusers and members of pg_read_all_stats; pid, database, user
   * and application name are visible to every role.
   */
  detailsVisible: boolean;
  /** `idle in transaction`, `active`, …; null when not visible. */
  state: string | null;
  transactionStartedAt: Date | null;
  /** How long its transaction has been open; null when not visible. */
  ageMs: number | null;
  /** The first characters of its current (or, when idle, last) statement; null when not visible. */
  query: string | null;
  /** Committed events (of the asked types) that no gap-safe reader can reach until it ends. */
  eventsWaiting: number;
  /**
   * Age of the oldest of them. The blocker took its transaction id before theirs, so unless they
   * came from long appending transactions it has been open at least this long: the age to go by
   * when `ageMs` is not visible.
   */
  waitingMs: number;
}

interface BlockerRow {
  pid: number;
  database: string | null;
  user: string | null;
  application_name: string | null;
  transaction_id: string;
  details_visible: boolean;
  state: string | null;
  xact_start: Date | null;
  age_ms: string | null;
  query: string | null;
  events_waiting: string;
  waiting_ms: string;
}

/**
 * The session whose transaction is the gap-safe read bound, when committed events (of `eventTypes`,
 * or of any type) wait behind it; null when nothing waits, so an open transaction that holds
 * nothing back is not reported. One statement, one snapshot: the bound, the events past it and the
 * session are seen at the same instant. A transaction past the bound that no session shows (a
 * prepared transaction) yields null too.
 */
export async function findLogBlocker(db: pg.Pool | pg.PoolClient, { eventTypes }: { eventTypes?: readonly string[] } = {}): Promise<LogBlocker | null> {
  const typeFilter = eventTypes !== undefined;
  const { rows } = await db.query<BlockerRow>(
    `with bound as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin),
          -- committed before this statement's snapshot, yet not below the bound: what readers wait for
          waiting as (select count(*) as events, min(e.created_at) as oldest
                        from ${EVENTS_TABLE} e, bound b
                       where e.transaction_id >= b.xmin
                         ${typeFilter ? 'and e.event_type = any($2::text[])' : ''})
     select a.pid, a.datname as database, a.usename as user, a.application_name,
            b.xmin::text as transaction_id,
            a.state is not null as details_visible, a.state, a.xact_start,
            round(extract(epoch from now() - a.xact_start) * 1000) as age_ms,
            case when a.state is not null then left(a.query, $1) end as query,
            w.events as events_waiting,
            round(extract(epoch from now() - w.oldest) * 1000) as waiting_ms
       from bound b
       cross join waiting w
       -- backend_xid is the 32-bit xid; the oldest running transaction is exactly the bound
       join pg_stat_activity a on a.backend_xid = xid(b.xmin)
      where w.events > 0
      -- a parallel worker may show its leader's xid: name the leader
      order by a.leader_pid is not null, a.pid
      limit 1`,
    typeFilter ? [QUERY_CHARS, eventTypes] : [QUERY_CHARS],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    pid: row.pid,
    database: row.database,
    user: row.user,
    applicationName: row.application_name ?? '',
    transactionId: row.transaction_id,
    detailsVisible: row.details_visible,
    state: row.state,
    transactionStartedAt: row.xact_start,
    ageMs: row.age_ms === null ? null : Number(row.age_ms),
    query: row.query,
    eventsWaiting: Number(row.events_waiting),
    waitingMs: Number(row.waiting_ms),
  };
}

/** How long the blocker has held its transaction open, as far as this role can tell (see `waitingMs`). */
export function blockerAgeMs(blocker: LogBlocker): number {
  return blocker.ageMs ?? blocker.waitingMs;
}

/** One line naming the blocker for logs and the CLI: who, where, how long, doing what. */
export function describeLogBlocker(blocker: LogBlocker): string {
  const parts = [`pid ${blocker.pid}`, `database ${quoted(blocker.database)}`, `application ${quoted(blocker.applicationName)}`, `user ${quoted(blocker.user)}`];
  if (blocker.detailsVisible) parts.push(`state ${quoted(blocker.state)}`);
  parts.push(blocker.ageMs !== null ? `open ${formatDuration(blocker.ageMs)}` : `open at least ${formatDuration(blocker.waitingMs)}`);
  if (!blocker.detailsVisible) return `${parts.join(', ')} (its state and statement are visible only to pg_read_all_stats)`;
  const query = (blocker.query ?? '').replace(/\s+/g, ' ').trim();
  return `${parts.join(', ')}, statement ${quoted(query.length > 80 ? `${query.slice(0, 80)}…` : query)}`;
}

/** What an operator can do about it, for the same audiences. */
export function howToEndLogBlocker(blocker: LogBlocker): string {
  return `commit or roll back that transaction, or end the session: select pg_terminate_backend(${blocker.pid})`;
}

const quoted = (value: string | null) => (value === null ? '(unknown)' : JSON.stringify(value));

/** 850 ms, 34 s, 12 min 5 s, 3 h 2 min. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
