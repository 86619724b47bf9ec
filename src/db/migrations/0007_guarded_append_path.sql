-- Up Migration
-- One guarded way into the log.
--
-- 1. The application role appends only through two SECURITY DEFINER functions owned by the schema
--    owner, sagaflow_append_one (one event: one SQL statement, the sagas' path) and
--    sagaflow_append_events (batches); it has no INSERT on events.
--    Before, it could insert any column directly: a forged transaction id that projections never
--    reach, a reused global position, a junk hash after a version gap.
-- 2. Every other insert is checked row by row by the trigger events_guard_insert: the transaction
--    id must be the inserting transaction's, the position one the sequence gave, the version the
--    stream's next, the stream type the stream id's prefix, the hash the chain's, the time in
--    milliseconds and not before the previous event's. A row the append path would not have
--    produced is refused. The append functions compute all of these and skip the check
--    (sagaflow.append_path): checking their rows again, or even capturing them for a
--    statement-level check, cost up to a sixth of an append.
-- 3. Times: the insert's clock to the millisecond (what a JavaScript Date carries end to end), and
--    never earlier than the previous event of the stream, so a later version never carries an
--    earlier time, even from a transaction that began first.
-- 4. Writers of a stream queue for it (an advisory lock to the end of their transaction), so 'any'
--    and 'stream_exists' appends never fail because another writer took the version first.
-- 5. global_position is unique.

create unique index events_global_position_key on events (global_position);

-- The time an event is recorded: now to the millisecond, or the previous event's (rounded up to
-- the millisecond, for rows written before times were kept to it) when the clock is behind it.
create function sagaflow_event_time(p_previous timestamptz) returns timestamptz
language sql volatile as $$
  select greatest(date_trunc('milliseconds', clock_timestamp()),
                  date_trunc('milliseconds', p_previous + interval '999 microseconds'))
$$;

create function sagaflow_guard_event_insert() returns trigger
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

-- Rows the append functions write are right by construction (they compute every checked column,
-- and are the application role's only way in): they run with sagaflow.append_path on, and the
-- trigger's WHEN skips them before any function is called, so the sagas' path pays nothing for
-- it. A role that may set that could as well drop the trigger: the check is against mistakes by
-- privileged roles, the grants are against the application.
create trigger events_guard_insert
  before insert on events
  for each row
  when (current_setting('sagaflow.append_path', true) is distinct from 'on')
  execute function sagaflow_guard_event_insert();

-- Writers of one stream queue here, for the rest of their transaction, before they read it and take
-- their transaction id. The one before has then committed, so the next one reads its events, takes
-- a larger id (keeping the global order) and never loses a race for a version: an exact expected
-- version that is stale is refused as such, and 'any' or 'stream_exists' simply append after it.
-- Without the queue, a loser of the race got a unique violation that only a subtransaction per
-- append could catch, and rows written in subtransactions cost every later reader of the log.
-- It must be its own statement: a statement's snapshot is taken when it starts.
create function sagaflow_queue_for_stream(p_stream_id text) returns void
language sql volatile as $$
  select pg_advisory_xact_lock(hashtextextended('sagaflow_events:' || p_stream_id, 0))
$$;

-- One event: the queue, then the expected-version check, the hash chain and the insert in one
-- statement, the cheapest path and the one every saga step takes.
create function sagaflow_append_one(
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
           pg_current_xact_id() as transaction_id, sagaflow_event_time(p.created_at) as created_at
      from (select 1) as one left join previous p on true
  ), inserted as (
    insert into events (event_id, stream_id, stream_type, version, event_type, schema_version, data, metadata, created_at, transaction_id, hash)
    select p_event_id, p_stream_id, p_stream_type, c.previous_version + 1, p_event_type, p_schema_version, p_data, p_metadata, c.created_at, c.transaction_id,
           sagaflow_event_hash(c.previous_hash, p_event_id, p_stream_id, c.previous_version + 1, p_event_type, p_schema_version, p_data, p_metadata, c.created_at)
      from checked c where c.version_ok and c.order_ok
    returning global_position
  ), notified as (
    select pg_notify('sagaflow_events', p_stream_id) from checked c where p_notify and c.version_ok and c.order_ok
  )
  -- Counting the notifications makes them happen: a CTE that is not data-modifying runs only when
  -- read, and an inner join (unlike an unused left join) is never planned away.
  select c.previous_version, c.version_ok, c.order_ok, c.transaction_id, (select array_agg(global_position) from inserted)
    from checked c cross join (select count(*) as sent from notified) n
$$;

-- One attempt at a batch: the expected-version and order checks, the hash chain, the insert.
create function sagaflow_append_attempt(
  p_stream_id text, p_stream_type text, p_expected_mode text, p_expected_version bigint,
  p_event_ids uuid[], p_event_types text[], p_schema_versions integer[], p_data jsonb[], p_metadata jsonb[],
  p_notify boolean,
  out previous_version bigint, out version_ok boolean, out order_ok boolean, out transaction_id xid8, out positions bigint[]
)
language plpgsql as $$
declare
  v_previous_hash bytea;
  v_previous_xid xid8;
  v_previous_time timestamptz;
  v_now timestamptz;
  v_hashes bytea[] := array[]::bytea[];
begin
  -- Taken before the stream is read, so every later writer of this stream gets a larger id.
  transaction_id := pg_current_xact_id();
  if p_expected_mode <> 'no_stream' and not (p_expected_mode = 'exact' and p_expected_version = 0) then
    select e.version, e.hash, e.transaction_id, e.created_at into previous_version, v_previous_hash, v_previous_xid, v_previous_time
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

-- Appends a batch to one stream, after queueing for it (see sagaflow_queue_for_stream).
--   p_expected_mode: 'exact' (p_expected_version is the stream's current version; 0 = no stream),
--                    'no_stream', 'stream_exists' or 'any'.
drop function sagaflow_append_events(text, text, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], boolean);
create function sagaflow_append_events(
  p_stream_id text, p_stream_type text, p_expected_mode text, p_expected_version bigint,
  p_event_ids uuid[], p_event_types text[], p_schema_versions integer[], p_data jsonb[], p_metadata jsonb[],
  p_notify boolean,
  out previous_version bigint, out version_ok boolean, out order_ok boolean, out transaction_id xid8, out positions bigint[]
)
language plpgsql security definer set sagaflow.append_path = 'on' as $$
begin
  perform sagaflow_queue_for_stream(p_stream_id);
  select * into previous_version, version_ok, order_ok, transaction_id, positions
    from sagaflow_append_attempt(p_stream_id, p_stream_type, p_expected_mode, p_expected_version,
                                 p_event_ids, p_event_types, p_schema_versions, p_data, p_metadata, p_notify);
end
$$;

-- SECURITY DEFINER functions resolve names with a search path of their own, never the caller's.
do $$
begin
  execute format('alter function sagaflow_append_one(text, text, text, bigint, uuid, text, integer, jsonb, jsonb, boolean) set search_path = %I, pg_temp', current_schema());
  execute format('alter function sagaflow_append_events(text, text, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], boolean) set search_path = %I, pg_temp', current_schema());
end
$$;

revoke insert on events from sagaflow_app;
revoke usage on sequence events_global_position_seq from sagaflow_app;
revoke execute on function sagaflow_queue_for_stream(text) from public;
revoke execute on function sagaflow_append_attempt(text, text, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], boolean) from public;
revoke execute on function sagaflow_append_one(text, text, text, bigint, uuid, text, integer, jsonb, jsonb, boolean) from public;
revoke execute on function sagaflow_append_events(text, text, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], boolean) from public;
revoke execute on function sagaflow_guard_event_insert() from public;
grant execute on function sagaflow_append_one(text, text, text, bigint, uuid, text, integer, jsonb, jsonb, boolean) to sagaflow_app;
grant execute on function sagaflow_append_events(text, text, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], boolean) to sagaflow_app;
