import { randomUUID } from 'node:crypto';
import { BusinessRejection, createSimulatedServices, ServiceUnavailableError } from '../../../src/adapters';
import { simulatedFaults } from '../../support/faults';
import { useTestDatabase } from '../../support/database';
import { raceOneKey } from './raceOneKey';

describe('simulated bank', () => {
  const db = useTestDatabase();
  const bank = () => createSimulatedServices(db.pool).bank;
  const newKey = () => `key-${randomUUID()}`;

  /** A fresh account, so each test sees only its own money move. */
  async function account(balanceCents: number, currency = 'USD'): Promise<string> {
    const accountId = `acc-${randomUUID()}`;
    await bank().openAccount(accountId, { currency, balanceCents });
    return accountId;
  }

  const withdrawal = (accountId: string, amountCents: number, idempotencyKey = newKey()) => ({
    idempotencyKey,
    transferId: `t-${randomUUID()}`,
    accountId,
    amountCents,
    currency: 'USD',
  });

  async function withdrawalStatus(withdrawalId: string): Promise<string | undefined> {
    const { rows } = await db.pool.query<{ status: string }>('select status from sim_bank_withdrawals where withdrawal_id = $1', [withdrawalId]);
    return rows[0]?.status;
  }

  it('moves money from one account into flight and on into another', async () => {
    const from = await account(10_000);
    const to = await account(500);
    const call = withdrawal(from, 1250);

    const { withdrawalId } = await bank().withdraw(call);
    expect(withdrawalId).toMatch(/^wdr-[0-9a-f]{16}$/);
    expect(await bank().balanceOf(from)).toBe(8750);

    const { depositId } = await bank().deposit({ ...call, idempotencyKey: newKey(), withdrawalId, accountId: to });

    expect(depositId).toMatch(/^dep-[0-9a-f]{16}$/);
    expect([await bank().balanceOf(from), await bank().balanceOf(to)]).toEqual([8750, 1750]);
    expect(await withdrawalStatus(withdrawalId)).toBe('deposited');
  });

  it('moves money once for a key, however often and concurrently the call is repeated', async () => {
    const from = await account(10_000);
    const to = await account(0);
    const call = withdrawal(from, 300);

    const withdrawn = await raceOneKey(db, 'withdrawFunds', call.idempotencyKey, () => Array.from({ length: 8 }, () => bank().withdraw(call)));
    const again = await bank().withdraw(call);
    expect(withdrawn).toEqual(Array.from({ length: 8 }, () => again));
    expect(await bank().balanceOf(from)).toBe(9700);

    const deposit = { ...call, idempotencyKey: newKey(), withdrawalId: again.withdrawalId, accountId: to };
    const deposited = await raceOneKey(db, 'depositFunds', deposit.idempotencyKey, () => Array.from({ length: 8 }, () => bank().deposit(deposit)));
    expect(new Set(deposited.map((d) => d.depositId)).size).toBe(1);
    expect(await bank().deposit(deposit)).toEqual(deposited[0]);
    expect([await bank().balanceOf(from), await bank().balanceOf(to)]).toEqual([9700, 300]);
  });

  it('refuses a withdrawal beyond the balance as insufficient funds, moving nothing, and replays the refusal', async () => {
    const from = await account(999);
    const call = withdrawal(from, 1000);

    const attempt = bank().withdraw(call);

    await expect(attempt).rejects.toThrow(BusinessRejection);
    await expect(attempt).rejects.toMatchObject({
      reason: 'insufficient_funds',
      message: `insufficient funds: account ${from} has 999 USD cents, transfer ${call.transferId} wants 1000`,
    });
    await bank().openAccount(from, { currency: 'USD', balanceCents: 5000 });
    await expect(bank().withdraw(call)).rejects.toMatchObject({ reason: 'insufficient_funds' });
    expect(await bank().balanceOf(from)).toBe(5000);
  });

  it('refuses withdrawals from unknown and closed accounts, and deposits into them, as unavailable accounts', async () => {
    const closed = await account(1000);
    await bank().closeAccount(closed);
    const from = await account(1000);
    const call = withdrawal(from, 100);
    const { withdrawalId } = await bank().withdraw(call);

    await expect(bank().withdraw(withdrawal('acc-nobody', 1))).rejects.toMatchObject({
      reason: 'account_unavailable',
      message: 'withdraw: account acc-nobody does not exist',
    });
    await expect(bank().withdraw(withdrawal(closed, 1))).rejects.toMatchObject({ reason: 'account_unavailable', message: `withdraw: account ${closed} is closed` });
    const deposit = { ...call, withdrawalId };
    await expect(bank().deposit({ ...deposit, idempotencyKey: newKey(), accountId: closed })).rejects.toMatchObject({
      reason: 'account_unavailable',
      message: `deposit: account ${closed} is closed`,
    });
    await expect(bank().deposit({ ...deposit, idempotencyKey: newKey(), accountId: 'acc-nobody' })).rejects.toMatchObject({ reason: 'account_unavailable' });

    expect(await bank().balanceOf(closed)).toBe(1000);
    expect(await bank().balanceOf(from)).toBe(900);
    expect(await withdrawalStatus(withdrawalId)).toBe('withdrawn');
  });

  it('refunds a withdrawal once: the same key again, another key, or an unknown withdrawal move nothing', async () => {
    const from = await account(1000);
    const call = withdrawal(from, 400);
    const { withdrawalId } = await bank().withdraw(call);
    const refund = { idempotencyKey: newKey(), transferId: call.transferId, withdrawalId };

    await bank().refund(refund);
    await bank().refund(refund);
    await bank().refund({ ...refund, idempotencyKey: newKey() });
    await bank().refund({ ...refund, idempotencyKey: newKey(), withdrawalId: 'wdr-unknown' });

    expect(await bank().balanceOf(from)).toBe(1000);
    expect(await withdrawalStatus(withdrawalId)).toBe('refunded');
  });

  it('finds the withdrawal whose reply was lost, so the refund gives its money back', async () => {
    const from = await account(1000);
    const call = withdrawal(from, 250);
    await bank().withdraw(call); // the reply never reaches the caller
    const refused = withdrawal(from, 5000);
    await expect(bank().withdraw(refused)).rejects.toThrow(BusinessRejection);

    const withdrawalId = await bank().findWithdrawal(call.idempotencyKey);
    expect(withdrawalId).toMatch(/^wdr-/);
    await bank().refund({ idempotencyKey: newKey(), transferId: call.transferId, withdrawalId: withdrawalId! });

    expect(await bank().balanceOf(from)).toBe(1000);
    expect(await bank().findWithdrawal(refused.idempotencyKey)).toBeUndefined();
    expect(await bank().findWithdrawal(newKey())).toBeUndefined();
  });

  it('settles a withdrawal once: no refund after its deposit, no deposit after its refund', async () => {
    const from = await account(1000);
    const to = await account(0);
    const deposited = withdrawal(from, 100);
    const refunded = withdrawal(from, 200);
    const first = await bank().withdraw(deposited);
    const second = await bank().withdraw(refunded);

    await bank().deposit({ ...deposited, idempotencyKey: newKey(), withdrawalId: first.withdrawalId, accountId: to });
    await bank().refund({ idempotencyKey: newKey(), transferId: refunded.transferId, withdrawalId: second.withdrawalId });

    await expect(bank().refund({ idempotencyKey: newKey(), transferId: deposited.transferId, withdrawalId: first.withdrawalId })).rejects.toMatchObject({
      reason: 'invalid_request',
      message: `withdrawal ${first.withdrawalId} was deposited already: its money is in the destination account and cannot be refunded`,
    });
    await expect(bank().deposit({ ...refunded, idempotencyKey: newKey(), withdrawalId: second.withdrawalId, accountId: to })).rejects.toMatchObject({
      reason: 'invalid_request',
      message: `deposit: withdrawal ${second.withdrawalId} was refunded already; its money is not in flight`,
    });
    expect([await bank().balanceOf(from), await bank().balanceOf(to)]).toEqual([900, 100]);
  });

  it('injects outages per key without moving money, then succeeds', async () => {
    const from = await account(1000);
    const call = withdrawal(from, 100);
    await simulatedFaults(db.pool).plan(call.idempotencyKey, { fail: { withdrawFunds: 2 } });

    await expect(bank().withdraw(call)).rejects.toThrow(ServiceUnavailableError);
    await expect(bank().withdraw(call)).rejects.toThrow(ServiceUnavailableError);
    expect(await bank().balanceOf(from)).toBe(1000);
    await bank().withdraw(call);

    expect(await bank().balanceOf(from)).toBe(900);
  });

  it('never overdraws an account when many withdrawals with their own keys race on it', async () => {
    const from = await account(1000);
    const before = await bank().moneySupply('USD');

    const results = await Promise.allSettled(Array.from({ length: 25 }, () => bank().withdraw(withdrawal(from, 100))));

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    for (const result of results.filter((r) => r.status === 'rejected')) expect(result.reason).toMatchObject({ reason: 'insufficient_funds' });
    expect(await bank().balanceOf(from)).toBe(0);
    const after = await bank().moneySupply('USD');
    expect(after.balancesCents + after.inFlightCents).toBe(before.balancesCents + before.inFlightCents);
    expect(after.inFlightCents - before.inFlightCents).toBe(1000);
  });
});
