-- Up Migration
-- The simulated bank the money transfer saga calls (src/adapters/simulatedBank.ts). Like the other
-- simulated services it stands in for a third party: sim_ prefix, calls go through sim_calls.
--
-- Money is conserved: a withdrawal moves cents from an account's balance into the withdrawal
-- (in flight), and a deposit or a refund moves them out of it again, each in one transaction. So
-- sum(balance_cents) + sum(amount_cents of withdrawals still 'withdrawn') never changes.

create table sim_bank_accounts (
  account_id    text        primary key,
  currency      text        not null,
  balance_cents bigint      not null,
  -- A closed account takes no withdrawals and no deposits; a refund still reaches it (the money is its holder's).
  status        text        not null default 'open',
  created_at    timestamptz not null default now(),
  constraint sim_bank_accounts_currency check (currency ~ '^[A-Z]{3}$'),
  constraint sim_bank_accounts_status check (status in ('open', 'closed')),
  -- The last guard against an overdraft, whatever the code does.
  constraint sim_bank_accounts_balance_not_negative check (balance_cents >= 0)
);

-- Money taken out of an account for a transfer, until it is deposited elsewhere or refunded:
-- exactly one of the two, whichever comes first.
create table sim_bank_withdrawals (
  withdrawal_id   text        primary key,
  transfer_id     text        not null,
  account_id      text        not null references sim_bank_accounts (account_id),
  amount_cents    bigint      not null,
  currency        text        not null,
  status          text        not null default 'withdrawn',
  -- The withdraw call's key: one withdrawal per key, even if the call ledger were bypassed.
  idempotency_key text        not null unique,
  created_at      timestamptz not null default now(),
  settled_at      timestamptz,
  constraint sim_bank_withdrawals_amount_positive check (amount_cents > 0),
  constraint sim_bank_withdrawals_status check (status in ('withdrawn', 'deposited', 'refunded'))
);
create index sim_bank_withdrawals_account_idx on sim_bank_withdrawals (account_id);

create table sim_bank_deposits (
  deposit_id      text        primary key,
  transfer_id     text        not null,
  -- One deposit per withdrawal: its money cannot arrive twice.
  withdrawal_id   text        not null unique references sim_bank_withdrawals (withdrawal_id),
  account_id      text        not null references sim_bank_accounts (account_id),
  amount_cents    bigint      not null,
  idempotency_key text        not null unique,
  created_at      timestamptz not null default now(),
  constraint sim_bank_deposits_amount_positive check (amount_cents > 0)
);

-- Down Migration
drop table sim_bank_deposits;
drop table sim_bank_withdrawals;
drop table sim_bank_accounts;
