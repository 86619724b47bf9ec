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
create function sagaflow_event_hash(
  p_previous_hash bytea, p_global_position bigint, p_event_id uuid, p_stream_id text, p_version bigint,
  p_event_type text, p_schema_version integer, p_data jsonb, p_metadata jsonb, p_created_at timestamptz
) returns bytea
language sql immutable parallel safe as $$
  select sha256(
    coalesce(p_previous_hash, '\x'::bytea) || convert_to(
      concat_ws(E'\n',
        p_stream_id, p_version::text, p_global_position::text, p_event_id::text, p_event_type,
        p_schema_version::text, p_data::text, p_metadata::text,
        -- microseconds since the epoch: independent of the session's DateStyle and TimeZone
        ((extract(epoch from p_created_at) * 1000000)::bigint)::text),
      'UTF8'))
$$;

-- Appends a batch to one stream in one statement: idempotency by event id, the expected-version
-- check, the hash chain and the wake-up notification. Expected outcomes are returned as a result
-- code; a concurrent writer that takes the same version first surfaces as a unique violation on
-- events_stream_version_key, which the client maps to a concurrency error.
create function sagaflow_append_events(
  p_stream_id text,
  p_stream_type text,
  p_expected_mode text,       -- 'exact' | 'no_stream' | 'stream_exists' | 'any'
  p_expected_version bigint,  -- with 'exact'
  p_events jsonb,             -- [{"event_id","event_type","schema_version","data","metadata"}, ...]
  p_notify boolean
) returns table (result text, stream_version bigint, positions bigint[], transaction_id xid8, conflicting_event_id uuid)
language plpgsql as $$
declare
  v_ids uuid[];
  v_types text[];
  v_schema_versions integer[];
  v_data jsonb[];
  v_metadata jsonb[];
  v_count integer;
  v_existing integer;
  v_current bigint := 0;
  v_previous_hash bytea;
  v_previous_xid xid8;
  -- Taken before anything is read, so that every later writer of this stream has a larger id.
  v_xid xid8 := pg_current_xact_id();
  v_now timestamptz := now();
  v_positions bigint[];
  v_hashes bytea[];
  v_position bigint;
begin
  select array_agg((e->>'event_id')::uuid order by o),
         array_agg(e->>'event_type' order by o),
         array_agg((e->>'schema_version')::integer order by o),
         array_agg(e->'data' order by o),
         array_agg(e->'metadata' order by o)
    into v_ids, v_types, v_schema_versions, v_data, v_metadata
    from jsonb_array_elements(p_events) with ordinality as x(e, o);
  v_count := coalesce(cardinality(v_ids), 0);
  if v_count = 0 then
    raise exception 'sagaflow_append_events: no events to append' using errcode = 'invalid_parameter_value';
  end if;

  -- A retry of an append that already happened: same ids, same content, same stream.
  select count(*) into v_existing from events e where e.event_id = any(v_ids);
  if v_existing > 0 then
    return query
      with wanted as (
        select * from unnest(v_ids, v_types, v_schema_versions, v_data, v_metadata)
          with ordinality as w(event_id, event_type, schema_version, data, metadata, o)
      ), matched as (
        select w.o, w.event_id, e.global_position, e.version, e.transaction_id,
               (e.event_id is not null and e.stream_id = p_stream_id and e.event_type = w.event_type
                and e.schema_version = w.schema_version and e.data = w.data and e.metadata = w.metadata) as same
          from wanted w left join events e on e.event_id = w.event_id
      )
      select case when bool_and(m.same) then 'duplicate' else 'id_conflict' end,
             max(m.version),
             array_agg(m.global_position order by m.o),
             max(m.transaction_id),
             (select m2.event_id from matched m2 where not m2.same order by m2.o limit 1)
        from matched m;
    return;
  end if;

  select e.version, e.hash, e.transaction_id into v_current, v_previous_hash, v_previous_xid
    from events e where e.stream_id = p_stream_id order by e.version desc limit 1;
  if not found then
    v_current := 0;
  end if;

  if (p_expected_mode = 'exact' and v_current <> p_expected_version)
     or (p_expected_mode = 'no_stream' and v_current <> 0)
     or (p_expected_mode = 'stream_exists' and v_current = 0) then
    return query select 'version_mismatch'::text, v_current, null::bigint[], null::xid8, null::uuid;
    return;
  end if;

  -- Inside a longer transaction that took its id before the stream's last writer committed, this
  -- append would sort before that event in the global order: refuse, the caller retries afresh.
  if v_previous_xid is not null and v_previous_xid > v_xid then
    return query select 'stale_transaction'::text, v_current, null::bigint[], null::xid8, null::uuid;
    return;
  end if;

  v_positions := array[]::bigint[];
  v_hashes := array[]::bytea[];
  for i in 1..v_count loop
    v_position := nextval('events_global_position_seq');
    v_previous_hash := sagaflow_event_hash(v_previous_hash, v_position, v_ids[i], p_stream_id, v_current + i,
                                           v_types[i], v_schema_versions[i], v_data[i], v_metadata[i], v_now);
    v_positions := v_positions || v_position;
    v_hashes := v_hashes || v_previous_hash;
  end loop;

  insert into events (global_position, event_id, stream_id, stream_type, version, event_type, schema_version,
                      data, metadata, created_at, transaction_id, hash)
  select u.global_position, u.event_id, p_stream_id, p_stream_type, v_current + u.o, u.event_type, u.schema_version,
         u.data, u.metadata, v_now, v_xid, u.hash
    from unnest(v_positions, v_ids, v_types, v_schema_versions, v_data, v_metadata, v_hashes)
      with ordinality as u(global_position, event_id, event_type, schema_version, data, metadata, hash, o);

  if p_notify then
    -- Delivered on commit only; listeners read the log from their checkpoint, so the payload is a hint.
    perform pg_notify('sagaflow_events', p_stream_id);
  end if;

  return query select 'appended'::text, v_current + v_count, v_positions, v_xid, null::uuid;
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
