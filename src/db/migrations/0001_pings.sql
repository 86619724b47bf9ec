-- Up Migration
-- Liveness records written by the `ping` workflow: proof that Temporal, a worker and PostgreSQL work together.
create table sagaflow_pings (
  ping_id     text primary key,
  message     text not null,
  workflow_id text not null,
  recorded_at timestamptz not null default now()
);

-- Down Migration
drop table sagaflow_pings;
