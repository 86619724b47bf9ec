import { randomUUID } from 'node:crypto';
import type { PlaceOrderInput } from '../../../processes/orderFulfillment/commands';
import { orderWorkflowId } from '../../../processes/orderFulfillment/workflow';
import { composition } from '../../../processes';
import type { FaultPlan } from '../../../src/adapters';
import { archiveClosedStreams } from '../../../src/retention/archiveClosedStreams';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { planFaults } from '../../support/faults';
import { useSagaWorker } from '../../support/sagaWorker';
import { waitFor } from '../../support/waitFor';

describe('archiving the streams of sagas run on a real worker and Temporal', () => {
  const db = useTestDatabase();
  const rig = useSagaWorker(db);

  const start = async (faults: FaultPlan = {}): Promise<string> => {
    const orderId = randomUUID();
    await planFaults(db.pool, orderWorkflowId(orderId), faults);
    const input: PlaceOrderInput = { orderId, customerId: 'cust-9', items: [{ sku: 'mug', quantity: 1, unitPriceCents: 900 }], currency: 'EUR' };
    await rig.orders.startOrder(input);
    return orderId;
  };
  const where = async (orderId: string) =>
    (
      await db.pool.query<{ hot: string; archived: string }>(
        'select (select count(*) from events where stream_id = $1) as hot, (select count(*) from events_archive where stream_id = $1) as archived',
        [`Order-${orderId}`],
      )
    ).rows[0];
  const archive = () => archiveClosedStreams(db.pool, composition.retention, { olderThanMs: 1, streamTypes: ['Order'] });

  it('archives completed and compensated runs, never a parked one, and the parked run still ends and is archived after', async () => {
    const completed = await start();
    const compensated = await start({ fail: { createShipment: 'always' } });
    const parked = await start({ fail: { createShipment: 'always', voidPayment: 'always' } });
    expect((await rig.orders.awaitOrderResult(completed)).outcome).toBe('COMPLETED');
    expect((await rig.orders.awaitOrderResult(compensated)).outcome).toBe('COMPENSATED');
    await waitFor(async () => (await rig.orders.getOrderState(parked)).status === 'COMPENSATION_FAILED');
    const stored = await testEventStore(db).readStream(`Order-${completed}`);

    await archive();

    expect(await where(completed)).toEqual({ hot: '0', archived: '7' });
    expect(await where(compensated)).toMatchObject({ hot: '0' });
    expect(await where(parked)).toMatchObject({ archived: '0' });
    expect(await testEventStore(db).readStream(`Order-${completed}`)).toEqual(stored);
    expect((await rig.orders.getOrderState(completed)).status).toBe('COMPLETED');

    // The operator resolves the parked run: its stream takes the resolution and the failure, then closes.
    await rig.orders.resolveCompensation(parked, { note: 'voided by hand', resolvedBy: 'ops@example.com' });
    expect((await rig.orders.awaitOrderResult(parked)).outcome).toBe('COMPENSATION_FAILED');
    await archive();
    expect(await where(parked)).toEqual({ hot: '0', archived: '8' });
  });
});
