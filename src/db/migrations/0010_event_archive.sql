-- Up Migration
-- Archive storage for closed streams (retention, README "Retention and erasure").
--
-- 1. events_archive holds whole streams moved out of the hot table, row for row: same ids, versions,
--    times, transaction ids, positions and hashes, so the hash chain and the global order are the
--    ones they were. It is as immutable as events, and rows enter it only through the archive path.
-- 2. events_log is the whole log, live ∪ archived: what every reader of the log reads (streams,
--    catch-up, rebuilds, chain and digest checks). A move is one transaction, so a statement sees
--    each event exactly once, in one of the two tables, at its same place in the global order.
-- 3. sagaflow_archive_streams is the one way out of events: a SECURITY DEFINER function that moves
--    whole streams whose last event is a closing one older than a cut-off, queueing for each stream
--    as appends do, so no append lands in a stream while it moves. Delete on events is refused
--    unless sagaflow.archive_path is on, which only that function sets. The application role may
--    not execute it; sagaflow_archiver may.
-- 4. An archived stream still exists: an append that would start it again at version 1 is refused
--    (SQLSTATE SF001), so a stream id is never reused with a second history.

create table events_archive (
  global_position bigint      not null,
  event_id        uuid        not null,
  stream_id       text        not null,
  stream_type     text        not null,
  version         bigint      not null,
  event_type      text        not null,
  schema_version  integer     not null,
  data            jsonb       not null,
  metadata        jsonb       not null,
  created_at      timestamptz not null,
  transaction_id  xid8        not null,
  hash            bytea       not null,
  -- When the stream was moved here: not part of the event, not covered by its hash.
  archived_at     timestamptz not null default now(),
  constraint events_archive_pkey primary key (event_id),
  constraint events_archive_stream_version_key unique (stream_id, version),
  constraint events_archive_global_position_key unique (global_position)
);
-- The same keyset scans as on events, so a reader of events_log merges two ordered index scans.
create index events_archive_global_order_idx on events_archive (transaction_id, global_position);
create index events_archive_type_global_order_idx on events_archive (event_type, transaction_id, global_position);

create view events_log as
  select global_position, event_id, stream_id, stream_type, version, event_type, schema_version, data, metadata, created_at, transaction_id, hash
    from events
  union all
  select global_position, event_id, stream_id, stream_type, version, event_type, schema_version, data, metadata, created_at, transaction_id, hash
    from events_archive;

-- Names the table it guards, now that there are two.
create or replace function sagaflow_reject_event_mutation() returns trigger
language plpgsql as $$
begin
  raise exception 'events are immutable: % on % is not allowed', tg_op, tg_table_name
    using errcode = 'object_not_in_prerequisite_state',
          hint = 'Record a correction by appending a compensating event.';
end
$$;

-- Updates stay refused always; deletes unless the archive path moves the rows (see above).
drop trigger events_immutable_rows on events;
create trigger events_immutable_rows
  before update on events
  for each row execute function sagaflow_reject_event_mutation();
create trigger events_immutable_deletes
  before delete on events
  for each row
  when (current_setting('sagaflow.archive_path', true) is distinct from 'on')
  execute function sagaflow_reject_event_mutation();

create trigger events_archive_immutable_rows
  before update or delete on events_archive
  for each row execute function sagaflow_reject_event_mutation();
create trigger events_archive_immutable_table
  before truncate on events_archive
  for each statement execute function sagaflow_reject_event_mutation();

create function sagaflow_reject_archive_insert() returns trigger
language plpgsql as $$
begin
  raise exception 'events_archive: rows enter only through sagaflow_archive_streams, which moves whole closed streams'
    using errcode = 'insufficient_privilege';
end
$$;
create trigger events_archive_guard_insert
  before insert on events_archive
  for each row
  when (current_setting('sagaflow.archive_path', true) is distinct from 'on')
  execute function sagaflow_reject_archive_insert();

-- Only a stream's first event can restart an archived stream; later versions find no predecessor in
-- events and are refused by their expected-version check. The WHEN keeps every other row free.
create function sagaflow_refuse_archived_stream() returns trigger
language plpgsql as $$
begin
  if exists (select 1 from events_archive a where a.stream_id = new.stream_id) then
    raise exception 'stream % is archived: its events are in events_archive, and it takes no new events', new.stream_id
      using errcode = 'SF001',
            hint = 'A closed stream stays closed: record new facts in a new stream.';
  end if;
  return new;
end
$$;
create trigger events_refuse_archived_stream
  before insert on events
  for each row
  when (new.version = 1)
  execute function sagaflow_refuse_archived_stream();

-- Moves each given stream whole from events to events_archive when its last event's type is one of
-- p_closing_types and it was recorded before p_closed_before; reports every stream with what
-- happened to it: 'archived' (with its event count), 'open' (it is not closed, or not long enough:
-- left as it is), or 'absent' (no events in the hot table: archived already, or never written).
-- One call is one transaction: all of its streams move, or none.
create function sagaflow_archive_streams(p_stream_ids text[], p_closing_types text[], p_closed_before timestamptz)
returns table (stream_id text, outcome text, events bigint)
language plpgsql security definer set sagaflow.archive_path = 'on' as $$
declare
  v_stream text;
  v_type text;
  v_time timestamptz;
begin
  -- Sorted, so two archivers given overlapping streams queue in the same order instead of deadlocking.
  for v_stream in select distinct s from unnest(p_stream_ids) s order by s loop
    perform sagaflow_queue_for_stream(v_stream);
    -- A statement after the queue: it sees every append that went before.
    select e.event_type, e.created_at into v_type, v_time
      from events e where e.stream_id = v_stream order by e.version desc limit 1;
    stream_id := v_stream;
    events := 0;
    if not found then
      outcome := 'absent';
    elsif not (v_type = any(p_closing_types)) or v_time >= p_closed_before then
      outcome := 'open';
    else
      with moved as (delete from events e where e.stream_id = v_stream returning e.*)
      insert into events_archive (global_position, event_id, stream_id, stream_type, version, event_type, schema_version, data, metadata, created_at, transaction_id, hash)
      select m.global_position, m.event_id, m.stream_id, m.stream_type, m.version, m.event_type, m.schema_version, m.data, m.metadata, m.created_at, m.transaction_id, m.hash
        from moved m;
      get diagnostics events = row_count;
      outcome := 'archived';
    end if;
    return next;
  end loop;
end
$$;

do $$
begin
  execute format('alter function sagaflow_archive_streams(text[], text[], timestamptz) set search_path = %I, pg_temp', current_schema());
  if not exists (select 1 from pg_roles where rolname = 'sagaflow_archiver') then
    -- Runs retention: reads the log and archives closed streams; grant it to the login that does.
    create role sagaflow_archiver nologin;
  end if;
end
$$;

revoke execute on function sagaflow_archive_streams(text[], text[], timestamptz) from public;
revoke execute on function sagaflow_refuse_archived_stream() from public;
revoke execute on function sagaflow_reject_archive_insert() from public;
grant execute on function sagaflow_archive_streams(text[], text[], timestamptz) to sagaflow_archiver;
grant select on events, events_archive, events_log to sagaflow_archiver;
grant select on events_archive, events_log to sagaflow_app;
