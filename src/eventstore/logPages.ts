import { ARCHIVE_TABLE, EVENTS_TABLE } from './tables';

/** The columns of events_log (migration 0010), on a table aliased `e`. */
const LOG_COLUMNS = 'e.global_position, e.event_id, e.stream_id, e.stream_type, e.version, e.event_type, e.schema_version, e.data, e.metadata, e.created_at, e.transaction_id, e.hash';

export interface LogPageQuery {
  /** What to select from the page's rows, aliased `e`. */
  select: string;
  /** The page's condition on rows aliased `e`. */
  where: string;
  /** A parameter or number: the page's size. */
  limit: string;
  /** Walk the global order backwards (the last event first). */
  descending?: boolean;
}

/**
 * A page of the whole log in the global order: the first `limit` rows of each table in that order,
 * then the first `limit` of both. Through the events_log view PostgreSQL underestimates a keyset
 * condition (one row, when it leaves half the log) and, with an archive it has not analysed, sorts
 * the whole rest of the log for every page instead of merging the two indexes: readAll in pages of
 * 1000 over 50,000 events ran at a quarter of the hot table's speed (bench:archive). Each table
 * limited first reads at most `limit` rows of it, whatever the estimates.
 */
export function logPageSql({ select, where, limit, descending = false }: LogPageQuery): string {
  const order = descending ? 'e.transaction_id desc, e.global_position desc' : 'e.transaction_id, e.global_position';
  const branch = (table: string) => `(select ${LOG_COLUMNS} from ${table} e where ${where} order by ${order} limit ${limit})`;
  return `select ${select} from (${branch(EVENTS_TABLE)} union all ${branch(ARCHIVE_TABLE)}) e order by ${order} limit ${limit}`;
}
