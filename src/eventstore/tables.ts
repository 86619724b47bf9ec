/** Names of the event store's database objects, in one place for the SQL of every module. */
/** The hot table: where appends go. Readers of the log read LOG_VIEW. */
export const EVENTS_TABLE = 'events';
/** Closed streams moved out of the hot table, row for row (migration 0010). */
export const ARCHIVE_TABLE = 'events_archive';
/** The whole log, live ∪ archived: what every reader of the log reads (migration 0010). */
export const LOG_VIEW = 'events_log';
export const SNAPSHOTS_TABLE = 'stream_snapshots';
export const APPEND_FUNCTION = 'sagaflow_append_events';
/** One event at an exact version: one statement, the cheapest way in. */
export const APPEND_ONE_FUNCTION = 'sagaflow_append_one';
/** Moves whole closed streams from EVENTS_TABLE to ARCHIVE_TABLE, one transaction per call. */
export const ARCHIVE_FUNCTION = 'sagaflow_archive_streams';
export const STREAM_VERSION_CONSTRAINT = 'events_stream_version_key';
export const EVENT_ID_CONSTRAINT = 'events_pkey';
/** No two events share a global position (migration 0007). */
export const GLOBAL_POSITION_KEY = 'events_global_position_key';
/** Where writers of one stream queue, one after another, before they read it (migration 0007). */
export const STREAM_QUEUE_FUNCTION = 'sagaflow_queue_for_stream';
/** Checks every insert against what the append path would have written (migration 0007). */
export const INSERT_GUARD_TRIGGER = 'events_guard_insert';
/** pg_notify channel raised on every committed append. */
export const APPEND_CHANNEL = 'sagaflow_events';
