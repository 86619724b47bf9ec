import type { Client } from '@temporalio/client';
import { formatMoney, webUiMarkdown, type SagaState, type SagaStatus as SagaStatusValue } from '../../api/workflow';
import { PlaceOrderInputSchema, type PlaceOrderInput } from './commands';
import { orderTotalCents } from './openingEvent';
import { orderFulfillment, orderWorkflowId, type OrderFulfillmentResult } from './workflow';
import { CustomerId, OrderId } from './searchAttributes';
import { parseInput, sagaRuns, type SagaRun, type StartedRun } from '../../api/client';

export interface OrderClientOptions {
  client: Client;
  taskQueue: string;
}

export interface StartedOrder extends StartedRun {
  orderId: string;
}

export type OrderRun = Omit<SagaRun, 'key'> & { orderId: string };

/**
 * How app code runs order sagas: typed, validated at the boundary, and keyed by the order id, so
 * "start order 42" twice is one saga.
 */
export function createOrderClient({ client, taskQueue }: OrderClientOptions) {
  const runs = sagaRuns({ client, taskQueue, workflow: orderFulfillment, workflowId: orderWorkflowId, keyField: 'orderId', keyAttribute: OrderId });

  return {
    /**
     * Starts the saga for an order. Invalid input throws InvalidInputError listing every issue and
     * starts nothing. Starting an order id that was started before, whether its run is still going
     * or long finished, returns that run (`started: false`) instead of starting a second one.
     */
    async startOrder(input: unknown): Promise<StartedOrder> {
      const order: PlaceOrderInput = parseInput(PlaceOrderInputSchema, 'order', input);
      const started = await runs.start(order.orderId, order, {
        searchAttributes: [{ key: CustomerId, value: order.customerId }],
        staticSummary: orderSummary(order),
        staticDetails: orderDetails(order),
      });
      return { orderId: order.orderId, ...started };
    },

    /**
     * The saga's live state (status, steps, failure), from the running or finished run, with the
     * position of the last event it appended so far: once `OrderPlaced` is in, a read model can be
     * awaited up to it (`getOrder(id, { atLeast: state.position })`).
     */
    getOrderState(orderId: string): Promise<SagaState> {
      return runs.state(orderId);
    },

    /**
     * Waits for the saga to finish; the result's `position` is that of the run's last event, so a
     * read model awaited up to it shows the order as it ended. A cancelled order rejects with the cancellation.
     */
    awaitOrderResult(orderId: string): Promise<OrderFulfillmentResult> {
      return runs.result(orderId);
    },

    /** Asks the saga to stop; it compensates what it did and ends as cancelled. */
    cancelOrder(orderId: string): Promise<void> {
      return runs.cancel(orderId);
    },

    /** Operator, for a parked order: run the failed compensation again, or record that it was handled by hand (a note and who). */
    retryCompensation: runs.retryCompensation,
    resolveCompensation: runs.resolveCompensation,

    /** Order runs by saga status (and customer), newest first, through Temporal's visibility store. */
    async listOrders(filter: { status?: SagaStatusValue; customerId?: string; limit?: number } = {}): Promise<OrderRun[]> {
      const clauses = filter.customerId ? [`CustomerId = '${runs.requireKey(filter.customerId, 'customerId')}'`] : [];
      return (await runs.list(filter, clauses)).map(({ key, ...run }) => ({ orderId: key, ...run }));
    },
  };
}

export type OrderClient = ReturnType<typeof createOrderClient>;

function orderSummary(order: PlaceOrderInput): string {
  const count = order.items.reduce((sum, item) => sum + item.quantity, 0);
  return `Order ${order.orderId}: ${count} item${count === 1 ? '' : 's'}, ${formatMoney(orderTotalCents(order), order.currency)}`;
}

function orderDetails(order: PlaceOrderInput): string {
  const rows = order.items.map((item) => `| ${item.sku} | ${item.quantity} | ${(item.unitPriceCents / 100).toFixed(2)} |`);
  return webUiMarkdown([`Customer **${order.customerId}**`, '', '| sku | qty | unit price |', '| --- | --- | --- |', ...rows]);
}
