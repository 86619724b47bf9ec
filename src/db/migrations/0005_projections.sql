-- Up Migration
-- The projection engine's own bookkeeping (src/projections). Each projection version builds its own
-- read tables (named <table>_v<version>, created by the projection's setup DDL), so a new version can
-- be built beside the one serving readers; readers query a stable view per table that points at the
-- active version.

-- Which version of each projection readers see. The stable views follow this row; switching
-- versions rewrites both in one transaction.
create table projections (
  name           text        primary key,
  active_version integer     not null,
  activated_at   timestamptz not null default now()
);

-- One checkpoint per (projection, version): how far it has applied the log, in the log's global
-- order (transaction_id, global_position). Advanced in the same transaction as the read-table writes
-- of each batch, so a crash at any instant neither loses nor repeats an event.
create table projection_checkpoints (
  name              text        not null,
  version           integer     not null,
  transaction_id    xid8        not null default '0',
  global_position   bigint      not null default 0,
  -- running: applying or caught up; retrying: an event's handler failed, retries are under way;
  -- stalled: out of retries, stopped at failed_* until the event is skipped or the projection resumed.
  status            text        not null default 'running',
  -- The event types it reads and a hash of its setup DDL, as last deployed: status reports compute lag
  -- from the first, and a worker refuses to run a version whose tables were built by other DDL.
  event_types       text[]      not null,
  setup_hash        text        not null,
  events_applied    bigint      not null default 0,
  last_error        text,
  failed_event_id   uuid,
  failed_transaction_id xid8,
  failed_global_position bigint,
  failed_attempts   integer,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  constraint projection_checkpoints_pkey primary key (name, version),
  constraint projection_checkpoints_version_positive check (version > 0),
  constraint projection_checkpoints_status check (status in ('running', 'retrying', 'stalled')),
  constraint projection_checkpoints_stalled_has_event check (status <> 'stalled' or failed_global_position is not null)
);

-- Events applied per projection version in 10-second buckets, written in each batch's transaction:
-- the recent rate (events/s) any process can report. Buckets older than an hour are pruned.
create table projection_throughput (
  name         text        not null,
  version      integer     not null,
  bucket_start timestamptz not null,
  events       bigint      not null,
  constraint projection_throughput_pkey primary key (name, version, bucket_start)
);

-- Events an operator told a projection version to pass over, with who and why. Never deleted: the
-- record of what a read model does not reflect.
create table projection_skipped_events (
  name            text        not null,
  version         integer     not null,
  global_position bigint      not null,
  transaction_id  xid8        not null,
  event_id        uuid        not null,
  event_type      text        not null,
  stream_id       text        not null,
  reason          text        not null,
  actor           text        not null,
  -- The handler's error when the event was skipped while the projection was stalled on it.
  error           text,
  skipped_at      timestamptz not null default now(),
  constraint projection_skipped_events_pkey primary key (name, version, global_position)
);

-- The key of the session-level advisory lock whose holder applies a projection version. Defined
-- once, here: the workers take it and status reports look it up in pg_locks.
create function sagaflow_projection_lock_key(p_name text, p_version integer) returns bigint
language sql immutable parallel safe as $$
  select hashtextextended('sagaflow.projection:' || p_name || ':v' || p_version, 0)
$$;

grant select, insert, update on projections, projection_checkpoints to sagaflow_app;
grant select, insert, update, delete on projection_throughput to sagaflow_app;
grant select, insert on projection_skipped_events to sagaflow_app;
