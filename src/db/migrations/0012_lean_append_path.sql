-- Up Migration
-- The same append path, for less work per event. Nothing it writes or refuses changes.
--
-- 1. sagaflow_event_hash is declared STABLE, which is what the functions it calls are (concat_ws,
--    convert_to, extract from a timestamptz). Declared IMMUTABLE it could never be inlined, so every
--    event's hash went through the SQL-function executor; inlined, the hash costs about half.
--    Same body: the same bytes for every event, old and new, so chains and digests still agree.
-- 2. A batch is one plpgsql function: the queue, then the append. The queue is still its own
--    statement, so the stream is read by a later one that sees the writer before it.
-- 3. The archived-stream check moves from a BEFORE INSERT trigger into the append functions (and the
--    guard, for inserts from anywhere else). A row trigger costs every row, even when its WHEN is
--    false; the check only concerns a stream's first event, which the append path knows it writes.

create or replace function sagaflow_event_hash(
  p_previous_hash bytea, p_event_id uuid, p_stream_id text, p_version bigint, p_event_type text,
  p_schema_version integer, p_data jsonb, p_metadata jsonb, p_created_at timestamptz
) returns bytea
language sql stable parallel safe as $$
  select sha256(
    coalesce(p_previous_hash, '\x'::bytea) || convert_to(
      concat_ws(E'\n',
        p_stream_id, p_version::text, p_event_id::text, p_event_type, p_schema_version::text,
        p_data::text, p_metadata::text,
        -- microseconds since the epoch: independent of the session's DateStyle and TimeZone
        ((extract(epoch from p_created_at) * 1000000)::bigint)::text),
      'UTF8'))
$$;

-- Raises SF001 when the stream was archived; true otherwise. Called for a stream's first event only.
create function sagaflow_refuse_archived(p_stream_id text) returns boolean
language plpgsql stable as $$
begin
  if exists (select 1 from events_archive a where a.stream_id = p_stream_id) then
    raise exception 'stream % is archived: its events are in events_archive, and it takes no new events', p_stream_id
      using errcode = 'SF001',
            hint = 'A closed stream stays closed: record new facts in a new stream.';
  end if;
  return true;
end
$$;

drop trigger events_refuse_archived_stream on events;
drop function sagaflow_refuse_archived_stream();

create or replace function sagaflow_guard_event_insert() returns trigger
language plpgsql as $$
declare
  v_previous_hash bytea;
  v_previous_time timestamptz;
  v_previous_xid xid8;
  v_problem text;
begin
  if new.version > 1 then
    select e.hash, e.created_at, e.transaction_id into v_previous_hash, v_previous_time, v_previous_xid
      from events e where e.stream_id = new.stream_id and e.version = new.version - 1;
    if not found then
      v_problem := 'does not follow an event (versions have no gaps)';
    end if;
  else
    perform sagaflow_refuse_archived(new.stream_id);
  end if;
  v_problem := coalesce(v_problem, case
    when new.transaction_id <> pg_current_xact_id() then format('transaction_id %s is not the inserting transaction''s', new.transaction_id)
    when new.global_position > pg_sequence_last_value('events_global_position_seq') then format('global_position %s was not taken from events_global_position_seq', new.global_position)
    when new.stream_type <> split_part(new.stream_id, '-', 1) then format('stream_type %s is not the type of the stream', new.stream_type)
    when v_previous_xid > new.transaction_id then 'was inserted by an earlier transaction than the event before it'
    when new.created_at <> date_trunc('milliseconds', new.created_at) or new.created_at < v_previous_time then 'has a time that is not the log''s'
    when new.hash <> sagaflow_event_hash(v_previous_hash, new.event_id, new.stream_id, new.version, new.event_type, new.schema_version, new.data, new.metadata, new.created_at)
      then 'has a hash that is not the chain''s'
  end);
  if v_problem is not null then
    raise exception 'events: version % of stream % %', new.version, new.stream_id, v_problem
      using errcode = 'integrity_constraint_violation',
            hint = 'Append through sagaflow_append_one or sagaflow_append_events; they compute these columns.';
  end if;
  return new;
end
$$;

create or replace function sagaflow_append_one(
  p_stream_id text, p_stream_type text, p_expected_mode text, p_expected_version bigint,
  p_event_id uuid, p_event_type text, p_schema_version integer, p_data jsonb, p_metadata jsonb,
  p_notify boolean,
  out previous_version bigint, out version_ok boolean, out order_ok boolean, out transaction_id xid8, out positions bigint[]
)
language sql security definer set sagaflow.append_path = 'on' as $$
  select sagaflow_queue_for_stream(p_stream_id);
  with previous as (
    select e.version, e.hash, e.transaction_id, e.created_at from events e
     where p_expected_mode <> 'no_stream' and not (p_expected_mode = 'exact' and p_expected_version = 0)
       and e.stream_id = p_stream_id and (p_expected_mode <> 'exact' or e.version = p_expected_version)
     order by e.version desc limit 1
  ), checked as (
    select coalesce(p.version, 0)::bigint as previous_version, p.hash as previous_hash,
           case p_expected_mode when 'exact' then coalesce(p.version, 0) = p_expected_version
                                when 'stream_exists' then p.version is not null else true end as version_ok,
           p.transaction_id is null or p.transaction_id < pg_current_xact_id() as order_ok,
           -- No previous event: this one would be the stream's first, so it must not be archived.
           case when p.version is null then sagaflow_refuse_archived(p_stream_id) else true end as open,
           pg_current_xact_id() as transaction_id, sagaflow_event_time(p.created_at) as created_at
      from (select 1) as one left join previous p on true
  ), inserted as (
    insert into events (event_id, stream_id, stream_type, version, event_type, schema_version, data, metadata, created_at, transaction_id, hash)
    select p_event_id, p_stream_id, p_stream_type, c.previous_version + 1, p_event_type, p_schema_version, p_data, p_metadata, c.created_at, c.transaction_id,
           sagaflow_event_hash(c.previous_hash, p_event_id, p_stream_id, c.previous_version + 1, p_event_type, p_schema_version, p_data, p_metadata, c.created_at)
      from checked c where c.version_ok and c.order_ok and c.open
    returning global_position
  ), notified as (
    select pg_notify('sagaflow_events', p_stream_id) from checked c where p_notify and c.version_ok and c.order_ok
  )
  -- Counting the notifications makes them happen: a CTE that is not data-modifying runs only when
  -- read, and an inner join (unlike an unused left join) is never planned away.
  select c.previous_version, c.version_ok, c.order_ok, c.transaction_id, (select array_agg(global_position) from inserted)
    from checked c cross join (select count(*) as sent from notified) n
$$;

-- Appends a batch to one stream, after queueing for it (see sagaflow_queue_for_stream).
--   p_expected_mode: 'exact' (p_expected_version is the stream's current version; 0 = no stream),
--                    'no_stream', 'stream_exists' or 'any'.
create or replace function sagaflow_append_events(
  p_stream_id text, p_stream_type text, p_expected_mode text, p_expected_version bigint,
  p_event_ids uuid[], p_event_types text[], p_schema_versions integer[], p_data jsonb[], p_metadata jsonb[],
  p_notify boolean,
  out previous_version bigint, out version_ok boolean, out order_ok boolean, out transaction_id xid8, out positions bigint[]
)
language plpgsql security definer set sagaflow.append_path = 'on' as $$
declare
  v_previous_hash bytea;
  v_previous_xid xid8;
  v_previous_time timestamptz;
  v_now timestamptz;
  v_hashes bytea[] := array[]::bytea[];
begin
  perform sagaflow_queue_for_stream(p_stream_id);
  -- Taken before the stream is read, so every later writer of this stream gets a larger id.
  transaction_id := pg_current_xact_id();
  if p_expected_mode <> 'no_stream' and not (p_expected_mode = 'exact' and p_expected_version = 0) then
    select e.version, e.hash, e.transaction_id, e.created_at into previous_version, v_previous_hash, v_previous_xid, v_previous_time
      from events e
     where e.stream_id = p_stream_id and (p_expected_mode <> 'exact' or e.version = p_expected_version)
     order by e.version desc limit 1;
  end if;
  if previous_version is null then
    perform sagaflow_refuse_archived(p_stream_id);
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

  v_now := sagaflow_event_time(v_previous_time);
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

drop function sagaflow_append_attempt(text, text, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], boolean);

-- create or replace keeps grants but not settings: the search path is set again.
do $$
begin
  execute format('alter function sagaflow_append_one(text, text, text, bigint, uuid, text, integer, jsonb, jsonb, boolean) set search_path = %I, pg_temp', current_schema());
  execute format('alter function sagaflow_append_events(text, text, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], boolean) set search_path = %I, pg_temp', current_schema());
end
$$;

revoke execute on function sagaflow_refuse_archived(text) from public;
