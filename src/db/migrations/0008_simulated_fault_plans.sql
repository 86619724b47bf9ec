-- Up Migration
-- Fault plans of the simulated services (src/adapters/simulatedFaults.ts). A plan used to travel in
-- every call, and so in the saga's input; a real service takes no such thing, so the plan now stays
-- with the services that act on it, stored under a prefix of the calls' idempotency keys.
--
-- A plan applies to every call whose key starts with key_prefix at a ':' boundary (or is it): sagas
-- key their calls `<workflow id>:<step>`, so `order-123:` covers every call of that saga and
-- `order-123:authorizePayment` one call. When several prefixes match, the longest wins. A lookup
-- lists the key's candidate prefixes (each one ending just after a ':', and the whole key) and
-- reads them through the primary key: no scan, however many plans are stored.
create table sim_fault_plans (
  key_prefix text        primary key,
  -- A FaultPlan (src/adapters/types.ts), validated by SimulatedFaults.plan before it is stored.
  plan       jsonb       not null,
  created_at timestamptz not null default now(),
  constraint sim_fault_plans_key_prefix_not_empty check (key_prefix <> '')
);

-- No grant to sagaflow_app, as for the other sim_ tables (0003, 0004): they belong to the simulated
-- third parties, which run with the privileges of the role that created them, not the application's.

-- Down Migration
drop table sim_fault_plans;
