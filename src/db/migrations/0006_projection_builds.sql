-- Up Migration
-- Rebuilds and verifications of projections (src/projections/rebuildProjection.ts, verifyProjection.ts).
-- A build folds the log into a set of tables from position 0, partitioned by hash of stream id, up to
-- a fixed bound read once when it starts, then catches up in one stream and is swapped in.

-- A version whose tables a rebuild is filling: the workers leave it alone until the rebuild swaps it in.
alter table projection_checkpoints drop constraint projection_checkpoints_status;
alter table projection_checkpoints add constraint projection_checkpoints_status check (status in ('running', 'retrying', 'stalled', 'rebuilding'));

-- One row per build under way. purpose 'rebuild' fills the version's own tables (a new version) or
-- scratch tables swapped in by renaming (the active version); 'verify' fills scratch tables to compare.
create table projection_builds (
  name                 text        not null,
  version              integer     not null,
  purpose              text        not null,
  -- The suffix of the scratch tables (<table>_v<version>_<suffix>), null when the version's own tables are filled.
  scratch_suffix       text,
  partitions           integer     not null,
  -- Every partition reads up to this point of the log's gap-safe order; it does not move once set,
  -- so partitions that stopped at different points after a crash still end at the same place.
  bound_transaction_id xid8        not null,
  bound_global_position bigint     not null,
  -- Events of the projection's types up to the bound: the progress bar's total.
  events_to_bound      bigint      not null,
  -- Where the single-stream catch-up after the partitions stands (null while partitions run).
  transaction_id       xid8,
  global_position      bigint,
  started_at           timestamptz not null default now(),
  constraint projection_builds_pkey primary key (name, purpose),
  constraint projection_builds_purpose check (purpose in ('rebuild', 'verify')),
  constraint projection_builds_partitions check (partitions between 1 and 64)
);

-- Each partition's own checkpoint, moved in the transaction of each page it writes.
create table projection_build_partitions (
  name            text    not null,
  purpose         text    not null,
  partition       integer not null,
  transaction_id  xid8    not null default '0',
  global_position bigint  not null default 0,
  -- Events of its partition it has gone past (skipped ones included): the progress bar's count.
  events_done     bigint  not null default 0,
  constraint projection_build_partitions_pkey primary key (name, purpose, partition),
  constraint projection_build_partitions_build foreign key (name, purpose) references projection_builds on delete cascade
);

grant select, insert, update, delete on projection_builds, projection_build_partitions to sagaflow_app;
