-- Up Migration
-- The event log: one row per business fact, never updated or deleted.
--
-- Global order is (transaction_id, global_position), not global_position alone: a position is taken
-- when a row is inserted but becomes visible when its transaction commits, so position 41 can appear
-- after 42. Readers only read rows whose transaction is older than every transaction still running
-- (pg_snapshot_xmin), and every transaction that commits later has a larger id than those, so it
-- sorts after everything already read: a checkpoint on that pair never skips an event.
create sequence events_global_position_seq as bigint;

create table events (
  global_position bigint      not null default nextval('events_global_position_seq'),
  event_id        uuid        not null,
  stream_id       text        not null,
  stream_type     text        not null,
  version         bigint      not null,
  event_type      text        not null,
  schema_version  integer     not null,
  data            jsonb       not null,
  metadata        jsonb       not null,
  created_at      timestamptz not null default now(),
  transaction_id  xid8        not null default pg_current_xact_id(),
  -- sha256 over the previous event's hash in the stream and this event's canonical content.
  hash            bytea       not null,
  -- The event id is the idempotency key: a retried append finds its events by id.
  constraint events_pkey primary key (event_id),
  -- One writer per version: optimistic concurrency.
  constraint events_stream_version_key unique (stream_id, version),
  constraint events_version_positive check (version > 0),
  constraint events_schema_version_positive check (schema_version > 0)
);
alter sequence events_global_position_seq owned by events.global_position;

-- Global catch-up (projections): keyset scans in global order.
create index events_global_order_idx on events (transaction_id, global_position);
-- Catch-up filtered by event type.
create index events_type_global_order_idx on events (event_type, transaction_id, global_position);

-- Immutability is enforced by the database itself, whatever the client.
create function sagaflow_reject_event_mutation() returns trigger
language plpgsql as $$
begin
  raise exception 'events are immutable: % on events is not allowed', tg_op
    using errcode = 'object_not_in_prerequisite_state',
          hint = 'Record a correction by appending a compensating event.';
end
$$;

create trigger events_immutable_rows
  before update or delete on events
  for each row execute function sagaflow_reject_event_mutation();

create trigger events_immutable_table
  before truncate on events
  for each statement execute function sagaflow_reject_event_mutation();

-- The canonical content an event's hash covers. Kept in one function so that appending and
-- verifying can never disagree. jsonb's text form is canonical (keys ordered, whitespace fixed).
-- The global position is left out: it is storage order, not stream content, and leaving it out lets
-- the insert take it from the column default in the same statement.
create function sagaflow_event_hash(
  p_previous_hash bytea, p_event_id uuid, p_stream_id text, p_version bigint, p_event_type text,
  p_schema_version integer, p_data jsonb, p_metadata jsonb, p_created_at timestamptz
) returns bytea
language sql immutable parallel safe as $$
  select sha256(
    coalesce(p_previous_hash, '\x'::bytea) || convert_to(
      concat_ws(E'\n',
        p_stream_id, p_version::text, p_event_id::text, p_event_type, p_schema_version::text,
        p_data::text, p_metadata::text,
        -- microseconds since the epoch: independent of the session's DateStyle and TimeZone
        ((extract(epoch from p_created_at) * 1000000)::bigint)::text),
      'UTF8'))
$$;

-- Appends a batch to one stream (single events go through an equivalent one-statement query in
-- src/eventstore/appendEvents.ts, which is cheaper for one row). The expected-version check and the
-- hash chain happen here; a version taken by a concurrent writer, or an event id that already exists,
-- surfaces as a unique violation that the client resolves (a retry of the same events is a success).
--   p_expected_mode: 'exact' (p_expected_version is the stream's current version; 0 = no stream),
--                    'no_stream', 'stream_exists' or 'any'.
create function sagaflow_append_events(
  p_stream_id text, p_stream_type text, p_expected_mode text, p_expected_version bigint,
  p_event_ids uuid[], p_event_types text[], p_schema_versions integer[], p_data jsonb[], p_metadata jsonb[],
  p_notify boolean,
  out previous_version bigint, out version_ok boolean, out order_ok boolean, out transaction_id xid8, out positions bigint[]
)
language plpgsql as $$
declare
  v_previous_hash bytea;
  v_previous_xid xid8;
  v_now timestamptz := now();
  v_hashes bytea[] := array[]::bytea[];
begin
  -- Taken before the stream is read, so every later writer of this stream gets a larger id.
  transaction_id := pg_current_xact_id();
  if p_expected_mode <> 'no_stream' and not (p_expected_mode = 'exact' and p_expected_version = 0) then
    select e.version, e.hash, e.transaction_id into previous_version, v_previous_hash, v_previous_xid
      from events e
     where e.stream_id = p_stream_id and (p_expected_mode <> 'exact' or e.version = p_expected_version)
     order by e.version desc limit 1;
  end if;
  version_ok := case p_expected_mode
                  when 'exact' then coalesce(previous_version, 0) = p_expected_version
                  when 'stream_exists' then previous_version is not null
                  else true end;
  previous_version := coalesce(previous_version, 0);
  -- Inside a longer transaction that took its id before the stream's last writer committed, this
  -- append would sort before that event in the global order: refuse, the caller retries afresh.
  order_ok := v_previous_xid is null or v_previous_xid < transaction_id;
  if not (version_ok and order_ok) then
    return;
  end if;

  for i in 1..cardinality(p_event_ids) loop
    v_previous_hash := sagaflow_event_hash(v_previous_hash, p_event_ids[i], p_stream_id, previous_version + i, p_event_types[i],
                                           p_schema_versions[i], p_data[i], p_metadata[i], v_now);
    v_hashes[i] := v_previous_hash;
  end loop;

  with inserted as (
    insert into events (event_id, stream_id, stream_type, version, event_type, schema_version, data, metadata, created_at, transaction_id, hash)
    select u.event_id, p_stream_id, p_stream_type, previous_version + u.o, u.event_type, u.schema_version, u.data, u.metadata,
           v_now, transaction_id, u.hash
      from unnest(p_event_ids, p_event_types, p_schema_versions, p_data, p_metadata, v_hashes)
             with ordinality as u(event_id, event_type, schema_version, data, metadata, hash, o)
     order by u.o
    returning global_position)
  select array_agg(global_position order by global_position) into positions from inserted;

  if p_notify then
    -- Delivered on commit only; listeners read the log from their checkpoint, so the payload is a hint.
    perform pg_notify('sagaflow_events', p_stream_id);
  end if;
end
$$;

-- Snapshots of folded stream state, so long streams need not be read from the start. A snapshot is
-- a cache: readers ignore one whose format_version is not the one they expect.
create table stream_snapshots (
  stream_id      text        not null,
  name           text        not null,
  format_version integer     not null,
  version        bigint      not null,
  state          jsonb       not null,
  created_at     timestamptz not null default now(),
  constraint stream_snapshots_pkey primary key (stream_id, name, version)
);

-- The least-privilege role for applications: it may append and read events, never change them.
-- Grant it to the login role the application uses: GRANT sagaflow_app TO my_service;
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'sagaflow_app') then
    create role sagaflow_app nologin;
  end if;
end
$$;
grant select, insert on events to sagaflow_app;
grant usage on sequence events_global_position_seq to sagaflow_app;
grant select, insert, delete on stream_snapshots to sagaflow_app;
