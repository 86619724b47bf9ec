import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { OrderRun, StartedOrder } from '../../../processes/orderFulfillment/client';
import type { SagaState } from '../../../src/saga';
import { cliEnv, runSagaflow } from '../../support/cli';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { planFaults } from '../../support/faults';
import { useSagaWorker } from '../../support/sagaWorker';
import { waitFor } from '../../support/waitFor';

describe('sagaflow orders', () => {
  const db = useTestDatabase();
  const rig = useSagaWorker(db);
  const sagaflow = (...args: string[]) => runSagaflow(args, cliEnv(db, rig));
  const exists = async (orderId: string) => {
    try {
      await rig.temporal.client.workflow.getHandle(`order-${orderId}`).describe();
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  };

  it('starts an order from flags, shows its step table, lists it and does not start it twice', async () => {
    const orderId = `cli-${randomUUID()}`;
    const customer = `cust-${randomUUID()}`;
    const args = ['orders', 'start', '--order-id', orderId, '--customer', customer, '--item', 'mug:2:1250', '--item', 'beans:1:1800'];

    const started = await sagaflow(...args);

    expect(started).toMatchObject({ code: 0, stderr: '' });
    expect(started.stdout).toMatch(new RegExp(`^started order ${orderId}: workflow order-${orderId}, run \\S+\\n$`));
    expect((await rig.orders.awaitOrderResult(orderId)).outcome).toBe('COMPLETED');
    const placed = (await testEventStore(db).readStream(`Order-${orderId}`))[0]!;
    expect(placed.data).toEqual({ orderId, customerId: customer, items: [{ sku: 'mug', quantity: 2 }, { sku: 'beans', quantity: 1 }], totalCents: 4300, currency: 'USD' });

    const status = await sagaflow('orders', 'status', orderId);
    expect(status.code).toBe(0);
    expect(status.stdout.split('\n').slice(0, 4)).toEqual([`order ${orderId} (workflow order-${orderId}): COMPLETED`, '', expect.stringMatching(/^STEP\s+STATUS\s+DETAIL$/), expect.stringMatching(/^reserveInventory\s+done\s+\S/)]);
    expect(status.stdout).toMatch(/capturePayment\s+done/);

    const state = await sagaflow('orders', 'status', orderId, '--json');
    expect(JSON.parse(state.stdout) as SagaState).toMatchObject({ orderId, workflowId: `order-${orderId}`, status: 'COMPLETED', sagaType: expect.any(String) });

    await waitFor(async () => (JSON.parse((await sagaflow('orders', 'list', '--customer', customer, '--json')).stdout) as OrderRun[]).length === 1);
    const listed = JSON.parse((await sagaflow('orders', 'list', '--customer', customer, '--status', 'COMPLETED', '--json')).stdout) as OrderRun[];
    expect(listed).toEqual([expect.objectContaining({ orderId, sagaStatus: 'COMPLETED', executionStatus: 'COMPLETED' })]);
    const table = await sagaflow('orders', 'list', '--customer', customer);
    expect(table.stdout).toMatch(new RegExp(`^ORDER\\s+SAGA STATUS\\s+EXECUTION\\s+STARTED\\s+CLOSED\\n${orderId}\\s+COMPLETED\\s+COMPLETED\\s`));

    const again = await sagaflow(...args, '--json');
    expect(JSON.parse(again.stdout) as StartedOrder).toMatchObject({ orderId, workflowId: `order-${orderId}`, started: false });
  });

  it('lists a compensated order as FAILED in Temporal and COMPENSATED in its saga status, and still shows its step table', async () => {
    const orderId = `cli-${randomUUID()}`;
    const customer = `cust-${randomUUID()}`;
    await planFaults(db.pool, `order-${orderId}`, { fail: { createShipment: 'always' } });
    await sagaflow('orders', 'start', '--order-id', orderId, '--customer', customer, '--item', 'mug:1:1250');
    expect((await rig.orders.awaitOrderResult(orderId)).outcome).toBe('COMPENSATED');

    await waitFor(async () => (JSON.parse((await sagaflow('orders', 'list', '--customer', customer, '--json')).stdout) as OrderRun[]).length === 1);
    const listed = JSON.parse((await sagaflow('orders', 'list', '--customer', customer, '--status', 'COMPENSATED', '--json')).stdout) as OrderRun[];
    expect(listed).toEqual([expect.objectContaining({ orderId, sagaStatus: 'COMPENSATED', executionStatus: 'FAILED' })]);
    const status = await sagaflow('orders', 'status', orderId);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^order ${orderId} \\(workflow order-${orderId}\\): COMPENSATED\nfailure: createShipment: `));
  });

  it('starts an order from a JSON file', async () => {
    const orderId = `cli-${randomUUID()}`;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sagaflow-cli-')), 'order.json');
    fs.writeFileSync(file, JSON.stringify({ orderId, customerId: 'cust-file', items: [{ sku: 'lamp', quantity: 1, unitPriceCents: 4500 }], currency: 'EUR' }));

    const started = await sagaflow('orders', 'start', '--file', file, '--json');

    expect(started.code).toBe(0);
    expect(JSON.parse(started.stdout) as StartedOrder).toMatchObject({ orderId, workflowId: `order-${orderId}`, started: true });
    expect((await rig.orders.awaitOrderResult(orderId)).outcome).toBe('COMPLETED');
  });

  it('cancels a running order, which compensates and ends as cancelled; a finished one is a failed check', async () => {
    const orderId = `cli-${randomUUID()}`;
    await planFaults(db.pool, `order-${orderId}`, { hang: ['createShipment'] });
    await sagaflow('orders', 'start', '--order-id', orderId, '--customer', 'cust-1', '--item', 'mug:1:100');
    await waitFor(async () => (await rig.orders.getOrderState(orderId)).steps.some((step) => step.name === 'createShipment'));

    const cancelled = await sagaflow('orders', 'cancel', orderId);

    expect(cancelled).toMatchObject({ code: 0, stdout: `cancellation requested for order ${orderId} (workflow order-${orderId}): it compensates what it did, then ends as cancelled\n` });
    await expect(rig.orders.awaitOrderResult(orderId)).rejects.toThrow();
    const types = (await testEventStore(db).readStream(`Order-${orderId}`)).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['PaymentVoided', 'InventoryReleased', 'SagaFailed']));

    const twice = await sagaflow('orders', 'cancel', orderId);
    expect(twice).toMatchObject({ code: 1, stdout: '' });
    expect(twice.stderr).toMatch(new RegExp(`^error: order ${orderId} has already ended \\(COMPENSATED\\): nothing to cancel\\n$`));
  });

  it('an unknown order is a failed check: exit 1, one line', async () => {
    const orderId = `missing-${randomUUID()}`;
    for (const command of ['status', 'cancel']) {
      const run = await sagaflow('orders', command, orderId);
      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr).toBe(`error: order ${orderId} not found: no workflow order-${orderId} in namespace ${rig.temporal.namespace}\n`);
    }
  });

  it.each([
    [['orders', 'start', '--customer', 'c-1', '--item', 'mug:two:100'], /^error: --item must be sku:qty:unitPriceCents with whole numbers, e\.g\. mug:2:1200, got "mug:two:100"$/],
    [['orders', 'start', '--customer', 'c-1', '--item', 'mug:0:100'], /^error: invalid order: items\.0\.quantity: must be at least 1$/],
    // A price the saga could not record (its total is past 2^53) and a free order: refused at the door, in range words.
    [['orders', 'start', '--customer', 'c-1', '--item', 'mug:2:9000000000000000'], /^error: invalid order: items\.0\.unitPriceCents: must be at most 1000000000 cents$/],
    [['orders', 'start', '--customer', 'c-1', '--item', 'mug:1:0'], /^error: invalid order: items: the order total must be more than 0$/],
    [['orders', 'start', '--customer', 'c-1', '--item', 'mug:2:1000000000'], /^error: invalid order: items: the order total must be at most 1000000000 cents$/],
    [['orders', 'start', '--customer', 'c-1', '--item', 'mug:1:100', '--currency', 'usd'], /^error: invalid order: currency: must be an ISO 4217 code like USD$/],
    [['orders', 'start', '--item', 'mug:1:100'], /^error: --customer is required/],
    // Faults are planned in the simulated services, not carried by the order.
    [['orders', 'start', '--customer', 'c-1', '--item', 'mug:1:100', '--simulate', '{}'], /^error: unknown option '--simulate'/],
    [['orders', 'start', '--file', 'order.json', '--customer', 'c-1'], /^error: give --file or the order flags, not both \(also got --customer\)$/],
    [['orders', 'start', '--file', '/nowhere/order.json'], /^error: --file: cannot read \/nowhere\/order\.json: no such file$/],
    [['orders', 'status', 'no spaces'], /^error: orderId may contain only letters, digits and \. _ : @ -, got "no spaces"$/],
    [['orders', 'status'], /^error: missing required argument 'orderId' \(run with --help for usage\)$/],
    [['orders', 'list', '--status', 'DONE'], /^error: option '--status <status>' argument 'DONE' is invalid\. Allowed choices are RUNNING, .* \(run with --help for usage\)$/],
    [['orders', 'list', '--limit', '0'], /^error: --limit must be a whole number of at least 1, got "0"$/],
    [['orders', 'launch'], /^error: unknown command 'launch'/],
  ])('bad usage %j exits 2 with one line and starts nothing', async (args, message) => {
    const before = (await rig.orders.listOrders({ limit: 1000 })).length;
    const run = await sagaflow(...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toEqual([expect.stringMatching(message), '']);
    expect((await rig.orders.listOrders({ limit: 1000 })).length).toBe(before);
  });

  it('refuses a 101st --item in one line, exit 2, and starts nothing', async () => {
    const orderId = `many-${randomUUID()}`;
    const items = Array.from({ length: 101 }, (_, i) => ['--item', `sku-${i}:1:100`]).flat();
    const run = await sagaflow('orders', 'start', '--order-id', orderId, '--customer', 'c-1', ...items);
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: 'error: --item may be given at most 100 times: an order has at most 100 lines\n' });
    expect(await exists(orderId)).toBe(false);
  });

  it('bad input for a start names the field and starts nothing', async () => {
    const orderId = `bad-${randomUUID()}`;
    const run = await sagaflow('orders', 'start', '--order-id', orderId, '--customer', 'c-1', '--item', 'mug:1:100', '--currency', 'EURO');
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: 'error: invalid order: currency: must be an ISO 4217 code like USD\n' });
    expect(await exists(orderId)).toBe(false);
  });

  it('has --help with an example for every orders command', async () => {
    for (const command of ['start', 'status', 'cancel', 'list']) {
      const help = await sagaflow('orders', command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`Examples?:\\n  \\$ sagaflow orders ${command}`));
    }
  });
});
