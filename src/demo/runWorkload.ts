import { SingleBar } from 'cli-progress';
import type { SimulatedFaults } from '../adapters';
import type { OrderClient } from '../../processes/orderFulfillment/client';
import { orderWorkflowId } from '../../processes/orderFulfillment/workflow';
import { waitUntil } from '../process/waitUntil';

/** How long the demo waits for an order to reach its point, polled every 200 ms. */
const DEMO_WAIT = { timeoutMs: 60_000, intervalMs: 200 };
import type { DemoOrder } from './workload';

export interface DemoOrderResult {
  order: DemoOrder;
  /**
   * How the client saw it end: an outcome, CANCELLED, PARKED when it waits for an operator, or
   * ERROR when the run itself failed (a bug or a broken environment, never a business outcome).
   */
  ended: 'COMPLETED' | 'COMPENSATED' | 'COMPENSATION_FAILED' | 'CANCELLED' | 'PARKED' | 'ERROR';
  workflowId: string;
  error?: string;
}

/** The innermost message: a failed workflow's cause says what went wrong, its wrapper only that it failed. */
function describe(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}


/** Drives one order the way its kind says: to its end, or to where an operator must step in. */
async function drive(orders: OrderClient, faults: SimulatedFaults, order: DemoOrder): Promise<DemoOrderResult> {
  const { orderId } = order.input;
  // Every call of the order's saga is keyed `<workflow id>:<step>`: one plan covers them all.
  if (Object.keys(order.faults).length > 0) await faults.plan(`${orderWorkflowId(orderId)}:`, order.faults);
  const { workflowId } = await orders.startOrder(order.input);
  if (order.kind === 'needs-operator') {
    await waitUntil(async () => (await orders.getOrderState(orderId)).status === 'COMPENSATION_FAILED', `order ${orderId} parks for an operator`, DEMO_WAIT);
    return { order, ended: 'PARKED', workflowId };
  }
  if (order.kind === 'cancelled') {
    await waitUntil(async () => (await orders.getOrderState(orderId)).steps.some((s) => s.name === 'createShipment'), `order ${orderId} reaches its shipment`, DEMO_WAIT);
    await orders.cancelOrder(orderId);
    await orders.awaitOrderResult(orderId).catch(() => undefined); // a cancelled run ends by rejecting: that is the expected end
    return { order, ended: 'CANCELLED', workflowId };
  }
  const { outcome } = await orders.awaitOrderResult(orderId);
  return { order, ended: outcome, workflowId };
}

/**
 * Runs the orders with `concurrency` in flight, showing a progress bar on a terminal and a line per
 * tenth of the load elsewhere (CI logs, pipes).
 */
export async function runWorkload(
  orders: OrderClient,
  faults: SimulatedFaults,
  planned: readonly DemoOrder[],
  { concurrency, stream = process.stderr }: { concurrency: number; stream?: NodeJS.WriteStream },
): Promise<DemoOrderResult[]> {
  const results: DemoOrderResult[] = [];
  const counts = { completed: 0, compensated: 0, other: 0 };
  const tty = Boolean(stream.isTTY);
  const bar = tty
    ? new SingleBar({
        stream,
        format: 'orders {bar} {value}/{total} | {completed} completed, {compensated} compensated, {other} cancelled or parked | {rate}/s | ETA {eta_formatted}',
        hideCursor: true,
      })
    : undefined;
  const started = Date.now();
  bar?.start(planned.length, 0, { ...counts, rate: '0.0' });
  let next = 0;
  let lastReportedTenth = 0;
  const report = () => {
    const rate = (results.length / Math.max(1, (Date.now() - started) / 1000)).toFixed(1);
    if (bar) bar.update(results.length, { ...counts, rate });
    else {
      const tenth = Math.floor((results.length * 10) / planned.length);
      if (tenth > lastReportedTenth) {
        lastReportedTenth = tenth;
        stream.write(`orders ${results.length}/${planned.length}: ${counts.completed} completed, ${counts.compensated} compensated, ${counts.other} cancelled or parked (${rate}/s)\n`);
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(concurrency, planned.length) }, async () => {
      for (let index = next++; index < planned.length; index = next++) {
        const order = planned[index]!;
        // One broken run must not stop the others (nor leave them running while the demo exits).
        const result = await drive(orders, faults, order).catch(
          (error: unknown): DemoOrderResult => ({ order, ended: 'ERROR', workflowId: orderWorkflowId(order.input.orderId), error: describe(error) }),
        );
        results.push(result);
        if (result.ended === 'COMPLETED') counts.completed++;
        else if (result.ended === 'COMPENSATED') counts.compensated++;
        else counts.other++;
        report();
      }
    }),
  );
  bar?.stop();
  return results;
}
