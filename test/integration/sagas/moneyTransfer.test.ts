import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { createSimulatedServices, type FaultPlan } from '../../../src/adapters';
import { InvalidInputError } from '../../../src/client';
import type { TransferInput } from '../../../processes/moneyTransfer/commands';
import { SagaStatusKey } from '../../../src/saga';
import { moneyTransfer, transferWorkflowId } from '../../../processes/moneyTransfer/workflow';
import { TransferId } from '../../../processes/moneyTransfer/searchAttributes';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { useSagaWorker } from '../../support/sagaWorker';
import { waitFor } from '../../support/waitFor';
import { applicationFailureOf } from '../../support/runFailure';
import { planFaults } from '../../support/faults';

describe('MoneyTransfer saga on a real worker, Temporal dev server and PostgreSQL', () => {
  const db = useTestDatabase();
  const rig = useSagaWorker(db);
  const bank = () => createSimulatedServices(db.pool).bank;

  async function openAccounts(count: number, balanceCents: number, currency = 'USD'): Promise<string[]> {
    const ids = Array.from({ length: count }, () => `acc-${randomUUID()}`);
    for (const id of ids) await bank().openAccount(id, { currency, balanceCents });
    return ids;
  }
  const balances = (...accounts: string[]) => Promise.all(accounts.map((account) => bank().balanceOf(account)));

  /** A new transfer, with its fault plan stored in the simulated bank before it starts. */
  const transfer = async (fromAccount: string, toAccount: string, amountCents: number, faults: FaultPlan = {}, currency = 'USD'): Promise<TransferInput> => {
    const transferId = randomUUID();
    await planFaults(db.pool, transferWorkflowId(transferId), faults);
    return { transferId, fromAccount, toAccount, amountCents, currency };
  };

  const events = (transferId: string) => testEventStore(db).readStream(`Transfer-${transferId}`);
  const eventTypes = async (transferId: string) => (await events(transferId)).map((e) => e.type);
  const searchAttributesOf = async (transferId: string) => (await rig.temporal.client.workflow.getHandle(`transfer-${transferId}`).describe()).typedSearchAttributes;

  it('moves the money and records every step in the transfer stream', async () => {
    const [from, to] = await openAccounts(2, 10_000);
    const input = await transfer(from!, to!, 1250);
    const started = await rig.transfers.startTransfer(input);

    const result = await rig.transfers.awaitTransferResult(input.transferId);

    expect(started).toMatchObject({ transferId: input.transferId, workflowId: `transfer-${input.transferId}`, started: true });
    expect(result.outcome).toBe('COMPLETED');
    expect(result.steps.map((s) => [s.name, s.status, s.summary])).toEqual([
      ['withdrawFunds', 'done', `Withdraw 12.50 USD from ${from}`],
      ['depositFunds', 'done', `Deposit 12.50 USD into ${to}`],
    ]);
    const stream = await events(input.transferId);
    const { withdrawalId, depositId } = result.value!;
    expect(stream.map((e) => [e.type, e.schemaVersion, e.data])).toEqual([
      ['TransferRequested', 1, { transferId: input.transferId, fromAccount: from, toAccount: to, amountCents: 1250, currency: 'USD' }],
      ['FundsWithdrawn', 1, { transferId: input.transferId, withdrawalId, accountId: from, amountCents: 1250, currency: 'USD' }],
      ['FundsDeposited', 1, { transferId: input.transferId, depositId, withdrawalId, accountId: to, amountCents: 1250, currency: 'USD' }],
      ['SagaCompleted', 1, { sagaType: 'MoneyTransfer', transferId: input.transferId }],
    ]);
    expect(stream.every((e) => e.metadata.correlationId === `transfer-${input.transferId}`)).toBe(true);
    expect(stream.slice(1).map((e) => e.metadata.causationId)).toEqual(stream.slice(0, -1).map((e) => e.eventId));
    // What a read waits on to see this transfer whole: the log position of its last event.
    const last = stream[stream.length - 1]!;
    expect(result.position).toEqual({ transactionId: last.transactionId, globalPosition: last.globalPosition });
    expect(await balances(from!, to!)).toEqual([8750, 11_250]);
    const attributes = await searchAttributesOf(input.transferId);
    expect([attributes.get(SagaStatusKey), attributes.get(TransferId)]).toEqual(['COMPLETED', input.transferId]);
  });

  it('refunds the withdrawal when the deposit keeps failing, and restores both balances', async () => {
    const [from, to] = await openAccounts(2, 5000);
    const input = await transfer(from!, to!, 700, { fail: { depositFunds: 'always' } });
    await rig.transfers.startTransfer(input);

    const result = await rig.transfers.awaitTransferResult(input.transferId);

    expect(result).toMatchObject({ outcome: 'COMPENSATED', failure: { step: 'depositFunds' } });
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([
      ['withdrawFunds', 'compensated'],
      ['depositFunds', 'failed'],
    ]);
    expect(await eventTypes(input.transferId)).toEqual(['TransferRequested', 'FundsWithdrawn', 'WithdrawalRefunded', 'SagaFailed']);
    expect((await events(input.transferId))[3]!.data).toMatchObject({ failedStep: 'depositFunds' });
    expect(await balances(from!, to!)).toEqual([5000, 5000]);
    expect((await searchAttributesOf(input.transferId)).get(SagaStatusKey)).toBe('COMPENSATED');
  });

  it('refunds when the destination account is closed: a business rejection, not retried', async () => {
    const [from, to] = await openAccounts(2, 5000);
    await bank().closeAccount(to!);
    const input = await transfer(from!, to!, 300);
    await rig.transfers.startTransfer(input);

    const result = await rig.transfers.awaitTransferResult(input.transferId);

    expect(result).toMatchObject({ outcome: 'COMPENSATED', failure: { step: 'depositFunds', type: 'BusinessRejection' } });
    expect(await eventTypes(input.transferId)).toEqual(['TransferRequested', 'FundsWithdrawn', 'DepositDeclined', 'WithdrawalRefunded', 'SagaFailed']);
    expect(await balances(from!, to!)).toEqual([5000, 5000]);
  });

  it('rejects a transfer beyond the balance as a business rejection with nothing to compensate', async () => {
    const [from, to] = await openAccounts(2, 999);
    const input = await transfer(from!, to!, 1000);
    await rig.transfers.startTransfer(input);

    const result = await rig.transfers.awaitTransferResult(input.transferId);

    expect(result).toMatchObject({ outcome: 'COMPENSATED', failure: { step: 'withdrawFunds', type: 'BusinessRejection' } });
    expect(result.failure!.message).toMatch(/^withdrawal declined: insufficient funds: account /);
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([['withdrawFunds', 'failed']]);
    expect(await eventTypes(input.transferId)).toEqual(['TransferRequested', 'WithdrawalDeclined', 'SagaFailed']);
    const { rows } = await db.pool.query(`select 1 from sim_calls where operation = 'refundWithdrawal' and idempotency_key = $1`, [
      `transfer-${input.transferId}:refundWithdrawal`,
    ]);
    expect(rows).toHaveLength(0);
    expect(await balances(from!, to!)).toEqual([999, 999]);
  });

  it('rides out a deposit that fails twice and then succeeds, moving the money once', async () => {
    const [from, to] = await openAccounts(2, 5000);
    const input = await transfer(from!, to!, 2000, { fail: { depositFunds: 2 } });
    await rig.transfers.startTransfer(input);

    expect((await rig.transfers.awaitTransferResult(input.transferId)).outcome).toBe('COMPLETED');
    expect(await eventTypes(input.transferId)).toEqual(['TransferRequested', 'FundsWithdrawn', 'FundsDeposited', 'SagaCompleted']);
    expect(await balances(from!, to!)).toEqual([3000, 7000]);
  });

  it('parks a refund that keeps failing in COMPENSATION_FAILED, findable, until an operator resolves it', async () => {
    const [from, to] = await openAccounts(2, 5000);
    const input = await transfer(from!, to!, 400, { fail: { depositFunds: 'always', refundWithdrawal: 'always' } });
    await rig.transfers.startTransfer(input);

    await waitFor(async () => (await rig.transfers.getTransferState(input.transferId)).status === 'COMPENSATION_FAILED');
    await waitFor(async () => (await rig.transfers.listTransfers({ status: 'COMPENSATION_FAILED' })).some((r) => r.transferId === input.transferId));
    const parked = await rig.transfers.getTransferState(input.transferId);
    expect(parked.steps.find((s) => s.name === 'withdrawFunds')).toMatchObject({ status: 'compensation_failed' });
    expect(await balances(from!, to!)).toEqual([4600, 5000]);

    await rig.transfers.resolveCompensation(input.transferId, { note: 'refunded by hand at the branch', resolvedBy: 'ops@example.com' });
    const result = await rig.transfers.awaitTransferResult(input.transferId);

    expect(result.outcome).toBe('COMPENSATION_FAILED');
    expect(result.resolutions).toEqual([{ step: 'withdrawFunds', note: 'refunded by hand at the branch', resolvedBy: 'ops@example.com' }]);
    expect(await eventTypes(input.transferId)).toEqual([
      'TransferRequested',
      'FundsWithdrawn',
      'SagaCompensationFailed',
      'SagaCompensationResolved',
      'SagaFailed',
    ]);
    expect((await searchAttributesOf(input.transferId)).get(SagaStatusKey)).toBe('RESOLVED');
  });

  it('runs a parked refund again on the retry signal, and it gives the money back', async () => {
    const [from, to] = await openAccounts(2, 5000);
    // Three attempts per budget: the first budget fails (attempts 1-3), the retried one succeeds at attempt 5.
    const input = await transfer(from!, to!, 400, { fail: { depositFunds: 'always', refundWithdrawal: 4 } });
    await rig.transfers.startTransfer(input);
    await waitFor(async () => (await rig.transfers.getTransferState(input.transferId)).status === 'COMPENSATION_FAILED');

    await rig.transfers.retryCompensation(input.transferId);

    expect((await rig.transfers.awaitTransferResult(input.transferId)).outcome).toBe('COMPENSATED');
    expect(await eventTypes(input.transferId)).toEqual(['TransferRequested', 'FundsWithdrawn', 'SagaCompensationFailed', 'WithdrawalRefunded', 'SagaFailed']);
    expect(await balances(from!, to!)).toEqual([5000, 5000]);
  });

  it('refunds when cancelled mid-transfer and ends as cancelled', async () => {
    const [from, to] = await openAccounts(2, 5000);
    const input = await transfer(from!, to!, 900, { hang: ['depositFunds'] });
    await rig.transfers.startTransfer(input);
    await waitFor(async () => (await rig.transfers.getTransferState(input.transferId)).steps.some((s) => s.name === 'depositFunds'));

    await rig.transfers.cancelTransfer(input.transferId);

    await expect(rig.transfers.awaitTransferResult(input.transferId)).rejects.toThrow(WorkflowFailedError);
    expect(await eventTypes(input.transferId)).toEqual(['TransferRequested', 'FundsWithdrawn', 'WithdrawalRefunded', 'SagaFailed']);
    expect((await searchAttributesOf(input.transferId)).get(SagaStatusKey)).toBe('COMPENSATED');
    expect((await rig.transfers.getTransferState(input.transferId)).failure).toMatchObject({ type: 'Cancelled' });
    expect(await balances(from!, to!)).toEqual([5000, 5000]);
  });

  it('returns the existing run when the same transfer is started twice, and moves the money once', async () => {
    const [from, to] = await openAccounts(2, 5000);
    const input = await transfer(from!, to!, 100);
    const first = await rig.transfers.startTransfer(input);
    const second = await rig.transfers.startTransfer(input);
    await rig.transfers.awaitTransferResult(input.transferId);
    const third = await rig.transfers.startTransfer(input);

    expect(first.started).toBe(true);
    expect(second).toEqual({ ...first, started: false });
    expect(third).toEqual({ ...first, started: false });
    expect((await eventTypes(input.transferId)).filter((t) => t === 'TransferRequested')).toHaveLength(1);
    expect(await balances(from!, to!)).toEqual([4900, 5100]);
  });

  it('refuses invalid input listing every issue, and starts nothing', async () => {
    const transferId = randomUUID();
    const attempt = rig.transfers.startTransfer({
      transferId,
      fromAccount: 'acc-1',
      toAccount: 'acc-1',
      amountCents: 12.5,
      currency: 'usd',
      simulate: { fail: { chargeCard: 1 } },
    });

    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toMatchObject({
      issues: [
        { field: 'amountCents', rule: 'must be a whole number of cents' },
        { field: 'currency', rule: 'must be an ISO 4217 code like USD' },
        // Faults are planned in the simulated bank; a transfer carries none.
        { field: '(input)', rule: 'Unrecognized key: "simulate"' },
        { field: 'toAccount', rule: 'must differ from fromAccount' },
      ],
    });
    await expect(rig.transfers.startTransfer({ transferId, fromAccount: 'acc-1' })).rejects.toThrow(
      /toAccount: .*amountCents: must be a number of cents.*currency: /,
    );
    await expect(rig.temporal.client.workflow.getHandle(`transfer-${transferId}`).describe()).rejects.toThrow(/not found/i);
  });

  it('fails a run whose TransferRequested the contract refuses, and writes nothing: no refund, no SagaFailed', async () => {
    const [from, to] = await openAccounts(2, 10_000);
    // Started past the client, which refuses an amount past MAX_AMOUNT_CENTS; this one is past 2^53, which no event may carry.
    const input = await transfer(from!, to!, 1e16);
    const handle = await rig.temporal.client.workflow.start(moneyTransfer, { taskQueue: rig.temporal.taskQueue, workflowId: `transfer-${input.transferId}`, args: [input] });

    const cause = await applicationFailureOf(handle);

    expect(cause).toMatchObject({ type: 'OpeningEventRefused', nonRetryable: true });
    expect(cause.message).toMatch(/^the opening event TransferRequested could not be recorded, so the run records nothing else: .*data\.amountCents: must be at most 9007199254740991 cents/);
    expect(await eventTypes(input.transferId)).toEqual([]);
    expect((await searchAttributesOf(input.transferId)).get(SagaStatusKey)).toBe('FAILED');
    expect(await balances(from!, to!)).toEqual([10_000, 10_000]);
  });

  it('brings 50 concurrent transfers with mixed faults between a few accounts to an end, conserving every cent', async () => {
    const currency = 'EUR';
    const accounts = await openAccounts(4, 20_000, currency);
    const plans: Array<[FaultPlan, number]> = [
      [{}, 1500],
      [{ fail: { depositFunds: 'always' } }, 2500],
      [{ fail: { withdrawFunds: 1, depositFunds: 1 } }, 1000],
      [{}, 50_000], // more than any account holds
      [{ fail: { refundWithdrawal: 1, depositFunds: 'always' } }, 700],
    ];
    const inputs = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const [faults, amount] = plans[i % plans.length]!;
        return transfer(accounts[i % 4]!, accounts[(i + 1 + (i % 3)) % 4]!, amount, faults, currency);
      }),
    );
    const before = await bank().moneySupply(currency);

    await Promise.all(inputs.map((input) => rig.transfers.startTransfer(input)));
    const results = await Promise.all(inputs.map((input) => rig.transfers.awaitTransferResult(input.transferId)));

    results.forEach((result, i) => {
      expect(['COMPLETED', 'COMPENSATED']).toContain(result.outcome);
      const plan = i % plans.length;
      if (plan === 1 || plan === 3 || plan === 4) expect(result.outcome).toBe('COMPENSATED');
    });
    const after = await bank().moneySupply(currency);
    expect(after.inFlightCents).toBe(0);
    expect(after.balancesCents + after.inFlightCents).toBe(before.balancesCents + before.inFlightCents);
    // Each account ends where the completed transfers, and only they, took it.
    const expected = new Map(accounts.map((account) => [account, 20_000]));
    inputs.forEach((input, i) => {
      if (results[i]!.outcome !== 'COMPLETED') return;
      expected.set(input.fromAccount, expected.get(input.fromAccount)! - input.amountCents);
      expected.set(input.toAccount, expected.get(input.toAccount)! + input.amountCents);
    });
    expect(await balances(...accounts)).toEqual(accounts.map((account) => expected.get(account)));
    const streams = await Promise.all(inputs.map((input) => eventTypes(input.transferId)));
    streams.forEach((types, i) => expect(types.at(-1)).toBe(results[i]!.outcome === 'COMPLETED' ? 'SagaCompleted' : 'SagaFailed'));
  }, 180_000);
});
