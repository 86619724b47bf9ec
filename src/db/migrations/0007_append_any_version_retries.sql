-- Up Migration
-- Appends with expectedVersion 'any' or 'stream_exists' never fail because another writer appended
-- to the same stream first: while their condition holds, losing the race for a version only means
-- reading the stream again. Under 16 concurrent writers the old function refused two appends in three.
--
-- The body of an attempt moves into sagaflow_append_attempt; sagaflow_append_events calls it once for
-- an exact expected version (a lost race there is the caller's ConcurrencyError), and in a loop that
-- catches the stream-version conflict for the other modes. Each plpgsql statement takes a fresh
-- snapshot under READ COMMITTED, so the next attempt sees the winner's events. The exception block
-- is a subtransaction, so exact appends, the saga's path, do not pay for it.

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

create or replace function sagaflow_append_events(
  p_stream_id text, p_stream_type text, p_expected_mode text, p_expected_version bigint,
  p_event_ids uuid[], p_event_types text[], p_schema_versions integer[], p_data jsonb[], p_metadata jsonb[],
  p_notify boolean,
  out previous_version bigint, out version_ok boolean, out order_ok boolean, out transaction_id xid8, out positions bigint[]
)
language plpgsql as $$
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
