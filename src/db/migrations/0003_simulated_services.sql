-- Up Migration
-- The simulated inventory, payment and shipping services (src/adapters/simulated*). They stand in for
-- third parties, so their tables carry the sim_ prefix and nothing in the event store refers to them.

-- Every call any simulated service received, by operation and idempotency key: the attempt count
-- that fault injection reads (committed even when the attempt fails, so it survives a worker restart)
-- and the first outcome, replayed to every later call with the key. The row is locked for the whole
-- call, so concurrent calls with one key run one after the other and only the first has an effect.
create table sim_calls (
  operation        text        not null,
  idempotency_key  text        not null,
  -- The call's parameters; a later call with the key must carry the same ones.
  request          jsonb       not null,
  attempts         integer     not null,
  -- {"result": …} or {"rejection": {"reason": …, "message": …}}; null until an attempt completes.
  first_result     jsonb,
  first_attempt_at timestamptz not null default now(),
  completed_at     timestamptz,
  constraint sim_calls_pkey primary key (operation, idempotency_key),
  constraint sim_calls_attempts_positive check (attempts > 0)
);

-- Stock per sku. A sku without a row has plenty (src/adapters/simulatedInventory.ts inserts it with
-- 1,000,000 on first use), so demos need no seeding.
create table sim_stock (
  sku       text    primary key,
  available integer not null,
  -- The last guard against overselling, whatever the code does.
  constraint sim_stock_available_not_negative check (available >= 0)
);

create table sim_reservations (
  reservation_id text        primary key,
  order_id       text        not null,
  -- [{"sku": …, "quantity": …}], one entry per sku.
  items          jsonb       not null,
  status         text        not null default 'reserved',
  created_at     timestamptz not null default now(),
  released_at    timestamptz,
  constraint sim_reservations_status check (status in ('reserved', 'released'))
);

create table sim_payments (
  payment_id       text        primary key,
  order_id         text        not null,
  customer_id      text        not null,
  currency         text        not null,
  authorized_cents bigint      not null,
  captured_cents   bigint      not null default 0,
  refunded_cents   bigint      not null default 0,
  -- refunded: all captured money went back; a partial refund leaves it captured.
  status           text        not null default 'authorized',
  created_at       timestamptz not null default now(),
  constraint sim_payments_status check (status in ('authorized', 'voided', 'captured', 'refunded')),
  constraint sim_payments_amounts check (authorized_cents > 0 and captured_cents between 0 and authorized_cents
                                         and refunded_cents between 0 and captured_cents)
);

-- Every change to a payment, one row per idempotency key: a key can move money once, even if the
-- call ledger were bypassed.
create table sim_payment_operations (
  operation       text        not null,
  idempotency_key text        not null,
  payment_id      text        not null references sim_payments (payment_id),
  amount_cents    bigint      not null,
  created_at      timestamptz not null default now(),
  constraint sim_payment_operations_pkey primary key (operation, idempotency_key),
  constraint sim_payment_operations_operation check (operation in ('authorize', 'void', 'capture', 'refund'))
);
create index sim_payment_operations_payment_idx on sim_payment_operations (payment_id);

create table sim_shipments (
  shipment_id  text        primary key,
  order_id     text        not null,
  items        jsonb       not null,
  carrier      text        not null,
  status       text        not null default 'created',
  created_at   timestamptz not null default now(),
  cancelled_at timestamptz,
  constraint sim_shipments_status check (status in ('created', 'cancelled'))
);

-- Down Migration
drop table sim_shipments;
drop table sim_payment_operations;
drop table sim_payments;
drop table sim_reservations;
drop table sim_stock;
drop table sim_calls;
