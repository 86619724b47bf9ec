-- Erasure by crypto-shredding (README "Retention and erasure", Erasure): personal fields are stored
-- encrypted with a data key per subject (a customer, an account), each key kept here wrapped by the
-- master key. Forgetting a subject deletes its row, so every copy of its fields (hot table, archive,
-- backups of both) can never be read again, while the events that hold them stay, chain intact.
create table subject_keys (
  -- A keyed hash of the subject id: this table never holds the id itself.
  subject_ref text primary key,
  wrapped_key bytea not null,
  created_at timestamptz not null default now()
);

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'sagaflow_eraser') then
    -- Forgets subjects: destroys their keys and records it in the log; grant it to the login that does.
    create role sagaflow_eraser nologin;
  end if;
end
$$;

-- Writers make a subject's key on its first event and readers open fields with it; neither may
-- destroy one.
grant select, insert on subject_keys to sagaflow_app;
grant select, delete on subject_keys to sagaflow_eraser;
-- Snapshots are folds of opened events: those of the subject's streams are dropped with its key.
grant select, delete on stream_snapshots to sagaflow_eraser;
grant select on events, events_archive, events_log to sagaflow_eraser;
grant execute on function sagaflow_append_one(text, text, text, bigint, uuid, text, integer, jsonb, jsonb, boolean) to sagaflow_eraser;
grant execute on function sagaflow_append_events(text, text, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], boolean) to sagaflow_eraser;
