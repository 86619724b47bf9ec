import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { PlaceOrderInput } from '../../processes/orderFulfillment/commands';
import { retryProfile } from '../../src/saga/retryProfile';
import type { BareActivities } from './bareActivities';

/**
 * The order process written by hand with no toolkit: the same five external calls with the same
 * timeouts and retries, undone in reverse on failure, but no events, no search attributes, no
 * step table and no compensation for a step whose reply was lost. What a workflow costs at least.
 */
export async function bareOrderFulfillment(input: PlaceOrderInput): Promise<{ outcome: 'COMPLETED' | 'COMPENSATED' }> {
  const { workflowId } = workflowInfo();
  const { orderId, customerId, items, currency } = input;
  // The worker's profile, as the saga's steps get it: the same timeouts and retries for both subjects.
  const act = proxyActivities<BareActivities>(retryProfile().actions);
  const call = (step: string) => ({ idempotencyKey: `${workflowId}:${step}` });
  const lines = items.map(({ sku, quantity }) => ({ sku, quantity }));
  const amountCents = items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
  const undo: Array<() => Promise<void>> = [];
  try {
    const { reservationId } = await act.bareReserve({ ...call('reserveInventory'), orderId, items: lines });
    undo.push(() => act.bareRelease({ ...call('releaseInventory'), orderId, reservationId }));
    const { score, rejected } = await act.bareScreen({ ...call('screenOrder'), orderId, customerId, amountCents });
    if (rejected) throw ApplicationFailure.nonRetryable(`fraud screening refused the order (score ${score})`);
    const { paymentId } = await act.bareAuthorize({ ...call('authorizePayment'), orderId, customerId, amountCents, currency });
    undo.push(() => act.bareVoid({ ...call('voidPayment'), paymentId }));
    const { shipmentId } = await act.bareShip({ ...call('createShipment'), orderId, items: lines });
    undo.push(() => act.bareCancelShipment({ ...call('cancelShipment'), shipmentId }));
    await act.bareCapture({ ...call('capturePayment'), paymentId, amountCents });
    return { outcome: 'COMPLETED' };
  } catch {
    for (const step of undo.reverse()) await step();
    return { outcome: 'COMPENSATED' };
  }
}
