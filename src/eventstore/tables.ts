/** Names of the event store's database objects, in one place for the SQL of every module. */
export const EVENTS_TABLE = 'events';
export const SNAPSHOTS_TABLE = 'stream_snapshots';
export const APPEND_FUNCTION = 'sagaflow_append_events';
/** One event at an exact version: one statement, the cheapest way in. */
export const APPEND_ONE_FUNCTION = 'sagaflow_append_one';
export const STREAM_VERSION_CONSTRAINT = 'events_stream_version_key';
export const EVENT_ID_CONSTRAINT = 'events_pkey';
/** Checks every insert against what the append path would have written (migration 0007). */
export const INSERT_GUARD_TRIGGER = 'events_guard_insert';
/** pg_notify channel raised on every committed append. */
export const APPEND_CHANNEL = 'sagaflow_events';
