import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { PlaceOrderInputSchema, orderTotalCents, type PlaceOrderInput } from '../contracts/orderCommands';
import { resolveCompensationSignal, retryCompensationSignal, sagaStateQuery, SagaStatusKey, type SagaState, type SagaStatus as SagaStatusValue } from '../saga';
import { orderFulfillment, orderWorkflowId, type OrderFulfillmentResult } from '../../workflows/orderFulfillment';
import { CustomerId, OrderId } from '../../workflows/searchAttributes';
import { InvalidInputError, issuesOf } from './errors';

export interface OrderClientOptions {
  client: Client;
  taskQueue: string;
}

export interface StartedOrder {
  orderId: string;
  workflowId: string;
  runId: string;
  /** False when an order with this id had been started before: its run is returned, no second one starts. */
  started: boolean;
}

export interface OrderRun {
  orderId: string;
  workflowId: string;
  runId: string;
  sagaStatus: SagaStatusValue | undefined;
  executionStatus: string;
  startTime: Date;
  closeTime?: Date;
}

const SAGA_STATUSES: SagaStatusValue[] = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED', 'RESOLVED'];

/**
 * How app code runs order sagas: typed, validated at the boundary, and keyed by the order id, so
 * "start order 42" twice is one saga.
 */
export function createOrderClient({ client, taskQueue }: OrderClientOptions) {
  const handle = (orderId: string) => client.workflow.getHandle<typeof orderFulfillment>(orderWorkflowId(requireId(orderId)));

  return {
    /**
     * Starts the saga for an order. Invalid input throws InvalidInputError listing every issue and
     * starts nothing. Starting an order id that was started before, whether its run is still going
     * or long finished, returns that run (`started: false`) instead of starting a second one.
     */
    async startOrder(input: unknown): Promise<StartedOrder> {
      const parsed = PlaceOrderInputSchema.safeParse(input);
      if (!parsed.success) throw new InvalidInputError('order', issuesOf(parsed.error));
      const order: PlaceOrderInput = parsed.data;
      const workflowId = orderWorkflowId(order.orderId);
      try {
        const started = await client.workflow.start(orderFulfillment, {
          taskQueue,
          workflowId,
          args: [order],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: OrderId, value: order.orderId },
            { key: CustomerId, value: order.customerId },
            { key: SagaStatusKey, value: 'RUNNING' },
          ],
          staticSummary: orderSummary(order),
          staticDetails: orderDetails(order),
        });
        return { orderId: order.orderId, workflowId, runId: started.firstExecutionRunId, started: true };
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        const existing = await client.workflow.getHandle(workflowId).describe();
        return { orderId: order.orderId, workflowId, runId: existing.runId, started: false };
      }
    },

    /** The saga's live state (status, steps, failure), from the running or finished run. */
    getOrderState(orderId: string): Promise<SagaState> {
      return handle(orderId).query(sagaStateQuery);
    },

    /** Waits for the saga to finish. A cancelled order rejects with the cancellation. */
    awaitOrderResult(orderId: string): Promise<OrderFulfillmentResult> {
      return handle(orderId).result();
    },

    /** Asks the saga to stop; it compensates what it did and ends as cancelled. */
    async cancelOrder(orderId: string): Promise<void> {
      await handle(orderId).cancel();
    },

    /** Operator: run the failed compensation of a parked order again. */
    async retryCompensation(orderId: string): Promise<void> {
      await handle(orderId).signal(retryCompensationSignal);
    },

    /** Operator: the failed compensation was handled by hand. */
    async resolveCompensation(orderId: string, resolution: { note: string; resolvedBy: string }): Promise<void> {
      const issues = (['note', 'resolvedBy'] as const)
        .filter((field) => typeof resolution?.[field] !== 'string' || !resolution[field].trim())
        .map((field) => ({ field, rule: 'must be a non-empty string' }));
      if (issues.length) throw new InvalidInputError('resolution', issues);
      await handle(orderId).signal(resolveCompensationSignal, { note: resolution.note, resolvedBy: resolution.resolvedBy });
    },

    /** Order runs by saga status (and customer), newest first, through Temporal's visibility store. */
    async listOrders(filter: { status?: SagaStatusValue; customerId?: string; limit?: number } = {}): Promise<OrderRun[]> {
      if (filter.status !== undefined && !SAGA_STATUSES.includes(filter.status)) {
        throw new InvalidInputError('filter', [{ field: 'status', rule: `must be one of ${SAGA_STATUSES.join(', ')}` }]);
      }
      const limit = filter.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1) throw new InvalidInputError('filter', [{ field: 'limit', rule: 'must be a whole number ≥ 1' }]);
      const clauses = [`WorkflowType = 'orderFulfillment'`];
      if (filter.status) clauses.push(`SagaStatus = '${filter.status}'`);
      if (filter.customerId) clauses.push(`CustomerId = '${requireId(filter.customerId)}'`);
      const runs: OrderRun[] = [];
      for await (const execution of client.workflow.list({ query: clauses.join(' AND ') })) {
        runs.push(toOrderRun(execution));
        if (runs.length >= limit) break;
      }
      return runs;
    },
  };
}

export type OrderClient = ReturnType<typeof createOrderClient>;

function toOrderRun(execution: WorkflowExecutionInfo): OrderRun {
  const attributes = execution.typedSearchAttributes;
  return {
    orderId: attributes.get(OrderId) ?? execution.workflowId.replace(/^order-/, ''),
    workflowId: execution.workflowId,
    runId: execution.runId,
    sagaStatus: attributes.get(SagaStatusKey) as SagaStatusValue | undefined,
    executionStatus: execution.status.name,
    startTime: execution.startTime,
    ...(execution.closeTime ? { closeTime: execution.closeTime } : {}),
  };
}

/** Ids go into workflow ids and visibility queries: only the characters the contract allows. */
function requireId(value: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$/.test(value)) {
    throw new InvalidInputError('id', [{ field: 'orderId', rule: 'must be 1-100 letters, digits or . _ : @ - (starting with a letter or digit)' }]);
  }
  return value;
}

function orderSummary(order: PlaceOrderInput): string {
  const count = order.items.reduce((sum, item) => sum + item.quantity, 0);
  return `Order ${order.orderId}: ${count} item${count === 1 ? '' : 's'}, ${(orderTotalCents(order) / 100).toFixed(2)} ${order.currency}`;
}

function orderDetails(order: PlaceOrderInput): string {
  const rows = order.items.map((item) => `| ${item.sku} | ${item.quantity} | ${(item.unitPriceCents / 100).toFixed(2)} |`);
  return [`Customer **${order.customerId}**`, '', '| sku | qty | unit price |', '| --- | --- | --- |', ...rows].join('\n');
}
