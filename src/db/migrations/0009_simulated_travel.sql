-- Up Migration
-- The simulated travel service the trip booking saga calls (processes/tripBooking/simulatedTravel.ts):
-- flight, hotel and car bookings and card charges. Like the other simulated services it stands in
-- for third parties: sim_ prefix, calls go through sim_calls.

-- One row per booking of any kind; what was booked (route, city, nights, days) is in details.
create table sim_travel_bookings (
  booking_id      text        primary key,
  kind            text        not null,
  trip_id         text        not null,
  details         jsonb       not null,
  price_cents     bigint      not null,
  currency        text        not null,
  status          text        not null default 'reserved',
  -- The reserve call's key: one booking per key, even if the call ledger were bypassed.
  idempotency_key text        not null unique,
  created_at      timestamptz not null default now(),
  cancelled_at    timestamptz,
  constraint sim_travel_bookings_kind check (kind in ('flight', 'hotel', 'car')),
  constraint sim_travel_bookings_price_not_negative check (price_cents >= 0),
  constraint sim_travel_bookings_status check (status in ('reserved', 'cancelled'))
);
create index sim_travel_bookings_trip_idx on sim_travel_bookings (trip_id);

-- A card charged for a trip, until refunded (in full: a trip's charge is refunded whole or not at all).
create table sim_travel_charges (
  charge_id       text        primary key,
  trip_id         text        not null,
  customer_id     text        not null,
  amount_cents    bigint      not null,
  currency        text        not null,
  status          text        not null default 'charged',
  idempotency_key text        not null unique,
  created_at      timestamptz not null default now(),
  refunded_at     timestamptz,
  constraint sim_travel_charges_amount_positive check (amount_cents > 0),
  constraint sim_travel_charges_status check (status in ('charged', 'refunded'))
);
create index sim_travel_charges_trip_idx on sim_travel_charges (trip_id);

-- No grant to sagaflow_app, as for the other sim_ tables (0003, 0004, 0008): they belong to the
-- simulated third parties, which run with the privileges of the role that created them.

-- Down Migration
drop table sim_travel_charges;
drop table sim_travel_bookings;
