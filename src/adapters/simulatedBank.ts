import type pg from 'pg';
import { requireCurrency, requirePositiveCents } from './amounts';
import { CallLedger, newId, type SimulationOptions } from './simulatedCalls';
import { BusinessRejection, type BankService, type CallContext, type CallOptions } from './types';

interface Account {
  currency: string;
  balance: number;
  status: 'open' | 'closed';
}

interface Withdrawal {
  transferId: string;
  accountId: string;
  amount: number;
  currency: string;
  status: 'withdrawn' | 'deposited' | 'refunded';
}

/** Where a currency's money is: on accounts, or withdrawn and not yet deposited or refunded. */
export interface MoneySupply {
  balancesCents: number;
  inFlightCents: number;
}

/** The operations fault plans can name for this service. */
export const BANK_OPERATIONS = ['withdrawFunds', 'depositFunds', 'refundWithdrawal'] as const;

/**
 * Accounts on sim_bank_accounts. A withdrawal holds its money in flight until a deposit pays it into
 * another account or a refund gives it back, whichever comes first; so money is never created or
 * lost, however calls race, repeat or fail (see 0004_simulated_bank.sql).
 */
export class SimulatedBank implements BankService {
  private readonly calls: CallLedger;

  constructor(
    private readonly pool: pg.Pool,
    options: SimulationOptions = {},
  ) {
    this.calls = new CallLedger(pool, options);
  }

  async withdraw(
    call: CallContext & { transferId: string; accountId: string; amountCents: number; currency: string },
    options?: CallOptions,
  ): Promise<{ withdrawalId: string }> {
    const { transferId, accountId, amountCents, currency } = call;
    requireRequest('withdraw', { accountId, amountCents, currency });
    return this.calls.run(
      'withdrawFunds',
      call,
      { transferId, accountId, amountCents, currency },
      async (client) => {
        const account = await requireOpenAccount(client, 'withdraw', accountId, currency);
        if (account.balance < amountCents) {
          throw new BusinessRejection(
            'insufficient_funds',
            `insufficient funds: account ${accountId} has ${account.balance} ${currency} cents, transfer ${transferId} wants ${amountCents}`,
          );
        }
        const withdrawalId = newId('wdr');
        await client.query('update sim_bank_accounts set balance_cents = balance_cents - $2 where account_id = $1', [accountId, amountCents]);
        await client.query(
          'insert into sim_bank_withdrawals (withdrawal_id, transfer_id, account_id, amount_cents, currency, idempotency_key) values ($1, $2, $3, $4, $5, $6)',
          [withdrawalId, transferId, accountId, amountCents, currency, call.idempotencyKey],
        );
        return { withdrawalId };
      },
      options,
    );
  }

  async deposit(
    call: CallContext & { transferId: string; withdrawalId: string; accountId: string; amountCents: number; currency: string },
    options?: CallOptions,
  ): Promise<{ depositId: string }> {
    const { transferId, withdrawalId, accountId, amountCents, currency } = call;
    requireRequest('deposit', { accountId, amountCents, currency });
    return this.calls.run(
      'depositFunds',
      call,
      { transferId, withdrawalId, accountId, amountCents, currency },
      async (client) => {
        // The withdrawal before the account, as a refund does: calls on one withdrawal queue instead of deadlocking.
        const withdrawal = await lockWithdrawal(client, withdrawalId);
        if (!withdrawal) throw new BusinessRejection('invalid_request', `deposit: withdrawal ${withdrawalId} does not exist`);
        if (withdrawal.transferId !== transferId || withdrawal.amount !== amountCents || withdrawal.currency !== currency) {
          throw new BusinessRejection(
            'invalid_request',
            `deposit: withdrawal ${withdrawalId} holds ${withdrawal.amount} ${withdrawal.currency} cents of transfer ${withdrawal.transferId}, not ${amountCents} ${currency} cents of transfer ${transferId}`,
          );
        }
        if (withdrawal.status !== 'withdrawn') {
          throw new BusinessRejection('invalid_request', `deposit: withdrawal ${withdrawalId} was ${withdrawal.status} already; its money is not in flight`);
        }
        await requireOpenAccount(client, 'deposit', accountId, currency);
        const depositId = newId('dep');
        await client.query('update sim_bank_accounts set balance_cents = balance_cents + $2 where account_id = $1', [accountId, amountCents]);
        await settle(client, withdrawalId, 'deposited');
        await client.query(
          'insert into sim_bank_deposits (deposit_id, transfer_id, withdrawal_id, account_id, amount_cents, idempotency_key) values ($1, $2, $3, $4, $5, $6)',
          [depositId, transferId, withdrawalId, accountId, amountCents, call.idempotencyKey],
        );
        return { depositId };
      },
      options,
    );
  }

  async refund(call: CallContext & { transferId: string; withdrawalId: string }, options?: CallOptions): Promise<void> {
    const { transferId, withdrawalId } = call;
    await this.calls.run(
      'refundWithdrawal',
      call,
      { transferId, withdrawalId },
      async (client) => {
        const withdrawal = await lockWithdrawal(client, withdrawalId);
        if (!withdrawal || withdrawal.status === 'refunded') return; // unknown or refunded before: nothing to give back
        if (withdrawal.transferId !== transferId) {
          throw new BusinessRejection('invalid_request', `withdrawal ${withdrawalId} belongs to transfer ${withdrawal.transferId}, not ${transferId}`);
        }
        if (withdrawal.status === 'deposited') {
          throw new BusinessRejection('invalid_request', `withdrawal ${withdrawalId} was deposited already: its money is in the destination account and cannot be refunded`);
        }
        // Whatever the account's status: the money is its holder's.
        await client.query('update sim_bank_accounts set balance_cents = balance_cents + $2 where account_id = $1', [withdrawal.accountId, withdrawal.amount]);
        await settle(client, withdrawalId, 'refunded');
      },
      options,
    );
  }

  /** The withdrawal the withdraw call with this key made, if it succeeded (see CallLedger.succeeded). */
  async findWithdrawal(idempotencyKey: string): Promise<string | undefined> {
    const call = await this.calls.succeeded('withdrawFunds', idempotencyKey);
    return (call?.result as { withdrawalId: string } | undefined)?.withdrawalId;
  }

  /** Opens an account with a balance, or resets an existing one to it (tests and demos). */
  async openAccount(accountId: string, { currency, balanceCents }: { currency: string; balanceCents: number }): Promise<void> {
    requireCurrency('openAccount', currency);
    if (!Number.isSafeInteger(balanceCents) || balanceCents < 0) {
      throw new BusinessRejection('invalid_request', `openAccount: balanceCents must be a whole number of cents of at least 0, got ${balanceCents}`);
    }
    await this.pool.query(
      `insert into sim_bank_accounts (account_id, currency, balance_cents) values ($1, $2, $3)
       on conflict (account_id) do update set currency = excluded.currency, balance_cents = excluded.balance_cents, status = 'open'`,
      [accountId, currency, balanceCents],
    );
  }

  async closeAccount(accountId: string): Promise<void> {
    await this.pool.query(`update sim_bank_accounts set status = 'closed' where account_id = $1`, [accountId]);
  }

  /** An account's balance in cents; undefined for an unknown account. */
  async balanceOf(accountId: string): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ balance_cents: string }>('select balance_cents from sim_bank_accounts where account_id = $1', [accountId]);
    return rows[0] ? Number(rows[0].balance_cents) : undefined;
  }

  /** The bank's audit: the sum of the two never changes, whatever transfers did. One snapshot, so it is exact while calls run. */
  async moneySupply(currency: string): Promise<MoneySupply> {
    const { rows } = await this.pool.query<{ balances: string; in_flight: string }>(
      `select (select coalesce(sum(balance_cents), 0) from sim_bank_accounts where currency = $1) as balances,
              (select coalesce(sum(amount_cents), 0) from sim_bank_withdrawals where currency = $1 and status = 'withdrawn') as in_flight`,
      [currency],
    );
    return { balancesCents: Number(rows[0]!.balances), inFlightCents: Number(rows[0]!.in_flight) };
  }
}

function requireRequest(operation: string, { accountId, amountCents, currency }: { accountId: string; amountCents: number; currency: string }): void {
  if (typeof accountId !== 'string' || accountId === '') throw new BusinessRejection('invalid_request', `${operation}: accountId must be a non-empty string`);
  requirePositiveCents(operation, amountCents);
  requireCurrency(operation, currency);
}

/** The account, locked until the call commits: calls on one account take turns, so none sees a stale balance. */
async function requireOpenAccount(client: pg.PoolClient, operation: string, accountId: string, currency: string): Promise<Account> {
  const { rows } = await client.query<{ currency: string; balance_cents: string; status: Account['status'] }>(
    'select currency, balance_cents, status from sim_bank_accounts where account_id = $1 for no key update',
    [accountId],
  );
  const row = rows[0];
  if (!row) throw new BusinessRejection('account_unavailable', `${operation}: account ${accountId} does not exist`);
  if (row.status === 'closed') throw new BusinessRejection('account_unavailable', `${operation}: account ${accountId} is closed`);
  if (row.currency !== currency) throw new BusinessRejection('invalid_request', `${operation}: account ${accountId} holds ${row.currency}, not ${currency}`);
  return { currency: row.currency, balance: Number(row.balance_cents), status: row.status };
}

async function lockWithdrawal(client: pg.PoolClient, withdrawalId: string): Promise<Withdrawal | undefined> {
  const { rows } = await client.query<{ transfer_id: string; account_id: string; amount_cents: string; currency: string; status: Withdrawal['status'] }>(
    'select transfer_id, account_id, amount_cents, currency, status from sim_bank_withdrawals where withdrawal_id = $1 for no key update',
    [withdrawalId],
  );
  const row = rows[0];
  return row && { transferId: row.transfer_id, accountId: row.account_id, amount: Number(row.amount_cents), currency: row.currency, status: row.status };
}

async function settle(client: pg.PoolClient, withdrawalId: string, status: 'deposited' | 'refunded'): Promise<void> {
  await client.query('update sim_bank_withdrawals set status = $2, settled_at = now() where withdrawal_id = $1', [withdrawalId, status]);
}
