import { randomUUID } from 'node:crypto';
import { createSimulatedServices } from '../../../src/adapters';
import { cliEnv, runSagaflow } from '../../support/cli';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { planFaults } from '../../support/faults';
import { useSagaWorker } from '../../support/sagaWorker';
import { waitFor } from '../../support/waitFor';

describe('sagaflow sagas', () => {
  const db = useTestDatabase();
  const rig = useSagaWorker(db);
  const sagaflow = (...args: string[]) => runSagaflow(args, cliEnv(db, rig));
  const eventTypes = async (streamId: string) => (await testEventStore(db).readStream(streamId)).map((event) => event.type);

  async function parkedOrder(): Promise<string> {
    const orderId = randomUUID();
    await planFaults(db.pool, `order-${orderId}`, { fail: { createShipment: 'always', voidPayment: 'always' } });
    await rig.orders.startOrder({ orderId, customerId: 'cust-ops', items: [{ sku: 'mug', quantity: 1, unitPriceCents: 900 }], currency: 'USD' });
    await waitFor(async () => (await rig.orders.getOrderState(orderId)).status === 'COMPENSATION_FAILED');
    return orderId;
  }

  it('resolves a parked order saga: it records the resolution and carries on', async () => {
    const orderId = await parkedOrder();

    const resolved = await sagaflow('sagas', 'resolve', `order-${orderId}`, '--note', 'voided in the PSP console', '--by', 'ops@example.com');

    expect(resolved).toMatchObject({ code: 0, stderr: '', stdout: `resolution sent to order-${orderId}: it records CompensationResolved and carries on\n` });
    const result = await rig.orders.awaitOrderResult(orderId);
    expect(result.resolutions).toEqual([{ step: 'authorizePayment', note: 'voided in the PSP console', resolvedBy: 'ops@example.com' }]);
    expect(await eventTypes(`Order-${orderId}`)).toEqual(expect.arrayContaining(['SagaCompensationFailed', 'SagaCompensationResolved', 'SagaFailed']));
  });

  it('retries the parked refund of a money transfer: the same command for another saga type', async () => {
    const bank = createSimulatedServices(db.pool).bank;
    const [from, to] = [`acc-${randomUUID()}`, `acc-${randomUUID()}`];
    for (const account of [from, to]) await bank.openAccount(account, { currency: 'USD', balanceCents: 5000 });
    const transferId = randomUUID();
    // Three attempts per budget: the first fails (attempts 1-3), the retried one succeeds at attempt 5.
    await planFaults(db.pool, `transfer-${transferId}`, { fail: { depositFunds: 'always', refundWithdrawal: 4 } });
    await rig.transfers.startTransfer({ transferId, fromAccount: from, toAccount: to, amountCents: 400, currency: 'USD' });
    await waitFor(async () => (await rig.transfers.getTransferState(transferId)).status === 'COMPENSATION_FAILED');

    const retried = await sagaflow('sagas', 'retry', `transfer-${transferId}`, '--json');

    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout)).toEqual({ workflowId: `transfer-${transferId}`, signal: 'retryCompensation' });
    expect((await rig.transfers.awaitTransferResult(transferId)).outcome).toBe('COMPENSATED');
    expect(await Promise.all([bank.balanceOf(from), bank.balanceOf(to)])).toEqual([5000, 5000]);
  });

  it('refuses a saga that is not waiting for an operator, and an unknown workflow, with exit 1', async () => {
    const orderId = randomUUID();
    await rig.orders.startOrder({ orderId, customerId: 'cust-ops', items: [{ sku: 'mug', quantity: 1, unitPriceCents: 900 }], currency: 'USD' });
    await rig.orders.awaitOrderResult(orderId);

    const notParked = await sagaflow('sagas', 'retry', `order-${orderId}`);
    expect(notParked).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `error: workflow order-${orderId} is not waiting for an operator: its SagaStatus is COMPLETED (retry and resolve apply to COMPENSATION_FAILED)\n`,
    });
    const unknown = await sagaflow('sagas', 'resolve', 'order-nobody', '--note', 'n', '--by', 'b');
    expect(unknown).toMatchObject({ code: 1, stderr: `error: workflow order-nobody not found: no workflow order-nobody in namespace ${rig.temporal.namespace}\n` });
  });

  it.each([
    [['sagas', 'resolve', 'order-1', '--by', 'ops'], "error: required option '--note <text>' not specified (run with --help for usage)\n"],
    [['sagas', 'resolve', 'order-1', '--note', ' ', '--by', 'ops'], 'error: --note must not be empty\n'],
    [['sagas', 'retry'], "error: missing required argument 'workflow-id' (run with --help for usage)\n"],
  ])('bad usage %j exits 2 with one line', async (args, message) => {
    expect(await sagaflow(...args)).toEqual({ code: 2, stdout: '', stderr: message });
  });
});
