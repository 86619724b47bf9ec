/** Names of the event store's database objects, in one place for the SQL of every module. */
export const EVENTS_TABLE = 'events';
export const SNAPSHOTS_TABLE = 'stream_snapshots';
export const APPEND_FUNCTION = 'sagaflow_append_events';
export const STREAM_VERSION_CONSTRAINT = 'events_stream_version_key';
export const EVENT_ID_CONSTRAINT = 'events_pkey';
/** pg_notify channel raised on every committed append. */
export const APPEND_CHANNEL = 'sagaflow_events';
