-- Up Migration
-- One guarded way into the log.
--
-- 1. The application role appends only through sagaflow_append_events, a SECURITY DEFINER function
--    owned by the schema owner; it has no INSERT on events. Before, it could insert any column
--    directly: a forged transaction id that projections never reach, a reused global position, a
--    junk hash after a version gap.
-- 2. Every row, whoever inserts it, passes sagaflow_guard_event_insert, which computes what the
--    log owns, the position, the transaction id, the time and the hash, and refuses a row that
--    brings its own; the version must be the stream's next, the type the stream id's prefix, and
--    the inserting transaction later than the previous event's. The time is the insert's clock, to the
--    millisecond (what a JavaScript Date carries end to end), and never earlier than the previous
--    event's: a later version never carries an earlier time, even from a longer transaction.
-- 3. 'any' and 'stream_exists' appends never fail because another writer took the version first:
--    while their condition holds, losing that race only means reading the stream again.
-- 4. global_position is unique.

create unique index events_global_position_key on events (global_position);

-- The columns the log computes have no defaults any more: the guard fills them, and a row that
-- brings its own is refused, so nobody can supply a value the path would not have produced.
alter table events alter column global_position drop default;
alter table events alter column transaction_id drop default;

create function sagaflow_guard_event_insert() returns trigger
language plpgsql as $$
declare
  v_previous_hash bytea;
  v_previous_time timestamptz;
  v_previous_xid xid8;
begin
  if new.global_position is not null or new.transaction_id is not null or new.hash is not null then
    raise exception 'events: global_position, transaction_id and hash are computed by the log; this row brings % ', concat_ws(', ',
        case when new.global_position is not null then format('global_position %s', new.global_position) end,
        case when new.transaction_id is not null then format('transaction_id %s', new.transaction_id) end,
        case when new.hash is not null then 'a hash' end)
      using errcode = 'integrity_constraint_violation';
  end if;
  if new.stream_type is distinct from split_part(new.stream_id, '-', 1) then
    raise exception 'events: stream_type % is not the type of stream %', new.stream_type, new.stream_id
      using errcode = 'integrity_constraint_violation';
  end if;
  new.transaction_id := pg_current_xact_id();
  if new.version > 1 then
    select e.hash, e.created_at, e.transaction_id into v_previous_hash, v_previous_time, v_previous_xid
      from events e where e.stream_id = new.stream_id and e.version = new.version - 1;
    if not found then
      raise exception 'events: version % of stream % does not follow an event (versions have no gaps)', new.version, new.stream_id
        using errcode = 'integrity_constraint_violation';
    end if;
    if v_previous_xid > new.transaction_id then
      raise exception 'events: stream % was appended by a later transaction than %', new.stream_id, new.transaction_id
        using errcode = 'integrity_constraint_violation';
    end if;
  end if;
  new.global_position := nextval('events_global_position_seq');
  -- Milliseconds, rounded up from an older row's microseconds, so the order holds across both.
  new.created_at := greatest(date_trunc('milliseconds', clock_timestamp()),
                             date_trunc('milliseconds', v_previous_time + interval '999 microseconds'));
  new.hash := sagaflow_event_hash(v_previous_hash, new.event_id, new.stream_id, new.version, new.event_type,
                                  new.schema_version, new.data, new.metadata, new.created_at);
  return new;
end
$$;

create trigger events_guard_insert
  before insert on events
  for each row execute function sagaflow_guard_event_insert();

-- One attempt: the expected-version and order checks, then the insert (the trigger chains it).
create function sagaflow_append_attempt(
  p_stream_id text, p_stream_type text, p_expected_mode text, p_expected_version bigint,
  p_event_ids uuid[], p_event_types text[], p_schema_versions integer[], p_data jsonb[], p_metadata jsonb[],
  p_notify boolean,
  out previous_version bigint, out version_ok boolean, out order_ok boolean, out transaction_id xid8, out positions bigint[]
)
language plpgsql as $$
declare
  v_previous_xid xid8;
begin
  -- Taken before the stream is read, so every later writer of this stream gets a larger id.
  transaction_id := pg_current_xact_id();
  if p_expected_mode <> 'no_stream' and not (p_expected_mode = 'exact' and p_expected_version = 0) then
    select e.version, e.transaction_id into previous_version, v_previous_xid
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

  with inserted as (
    insert into events (event_id, stream_id, stream_type, version, event_type, schema_version, data, metadata)
    select u.event_id, p_stream_id, p_stream_type, previous_version + u.o, u.event_type, u.schema_version, u.data, u.metadata
      from unnest(p_event_ids, p_event_types, p_schema_versions, p_data, p_metadata)
             with ordinality as u(event_id, event_type, schema_version, data, metadata, o)
     order by u.o
    returning global_position)
  select array_agg(global_position order by global_position) into positions from inserted;

  if p_notify then
    -- Delivered on commit only; listeners read the log from their checkpoint, so the payload is a hint.
    perform pg_notify('sagaflow_events', p_stream_id);
  end if;
end
$$;

-- Appends events to one stream. An exact expected version (or 'no_stream') is tried once: a lost
-- race is the caller's ConcurrencyError. 'any' and 'stream_exists' catch the version conflict and
-- read the stream again; each plpgsql statement takes a fresh snapshot under READ COMMITTED, so the
-- next attempt sees the winner. The exception block is a subtransaction, which exact appends, the
-- sagas' path, do not pay for.
--   p_expected_mode: 'exact' (p_expected_version is the stream's current version; 0 = no stream),
--                    'no_stream', 'stream_exists' or 'any'.
drop function sagaflow_append_events(text, text, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], boolean);
create function sagaflow_append_events(
  p_stream_id text, p_stream_type text, p_expected_mode text, p_expected_version bigint,
  p_event_ids uuid[], p_event_types text[], p_schema_versions integer[], p_data jsonb[], p_metadata jsonb[],
  p_notify boolean,
  out previous_version bigint, out version_ok boolean, out order_ok boolean, out transaction_id xid8, out positions bigint[]
)
language plpgsql security definer as $$
declare
  v_constraint text;
begin
  if p_expected_mode = 'exact' or p_expected_mode = 'no_stream' then
    select * into previous_version, version_ok, order_ok, transaction_id, positions
      from sagaflow_append_attempt(p_stream_id, p_stream_type, p_expected_mode, p_expected_version,
                                   p_event_ids, p_event_types, p_schema_versions, p_data, p_metadata, p_notify);
    return;
  end if;
  -- Bounded: under REPEATABLE READ a caller's snapshot never shows the winner, and the caller then
  -- gets a ConcurrencyError rather than a loop without end.
  for attempt in 1..100 loop
    begin
      select * into previous_version, version_ok, order_ok, transaction_id, positions
        from sagaflow_append_attempt(p_stream_id, p_stream_type, p_expected_mode, p_expected_version,
                                     p_event_ids, p_event_types, p_schema_versions, p_data, p_metadata, p_notify);
      return;
    exception when unique_violation then
      get stacked diagnostics v_constraint = constraint_name;
      -- An event id stored before is the caller's retry (or its mistake): the caller sorts that out.
      if v_constraint <> 'events_stream_version_key' then
        raise;
      end if;
    end;
  end loop;
  version_ok := false;
end
$$;

-- A SECURITY DEFINER function resolves names with a search path of its own, never the caller's.
do $$
begin
  execute format('alter function sagaflow_append_events(text, text, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], boolean) set search_path = %I, pg_temp', current_schema());
end
$$;

revoke insert on events from sagaflow_app;
revoke usage on sequence events_global_position_seq from sagaflow_app;
revoke execute on function sagaflow_append_attempt(text, text, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], boolean) from public;
revoke execute on function sagaflow_append_events(text, text, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], boolean) from public;
revoke execute on function sagaflow_guard_event_insert() from public;
grant execute on function sagaflow_append_events(text, text, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], boolean) to sagaflow_app;
