import type pg from 'pg';
import type { OrderItem } from '../domainEvents';
import { businessKey } from '../../../api/eventstore';
import { InvalidArgumentError, waitForProjection, type Checkpoint } from '../../../api/projections';
import { orderSummary, type OrderOutcome, type OrderSagaStatus, type OrderSummaryRow } from './orderSummary';

/** An order as the order_summary read model holds it. */
export interface OrderView {
  orderId: string;
  customerId: string | null;
  status: OrderSagaStatus;
  totalCents: number | null;
  currency: string | null;
  items: OrderItem[];
  outcome: OrderOutcome | null;
  failedStep: string | null;
  failureReason: string | null;
  resolvedBy: string | null;
  lastEventType: string;
  /** How many events of the order's stream the row reflects. */
  streamVersion: number;
  placedAt: Date | null;
  updatedAt: Date;
}

export interface GetOrderOptions {
  /**
   * Read only once order_summary has passed this position: pass what a command reported
   * (`awaitOrderResult(id).position`, `getOrderState(id).position`) to read your own writes.
   */
  atLeast?: Checkpoint;
  /** How long to wait for it (default 5000 ms); past it, ProjectionWaitTimeoutError. */
  timeoutMs?: number;
}

/** A row of the view as node-postgres returns it: bigints as strings, timestamps as dates. */
type OrderSummarySelect = Omit<OrderSummaryRow, 'stream_id' | 'total_cents' | 'last_stream_version' | 'placed_at' | 'updated_at'> & {
  total_cents: string | null;
  last_stream_version: string;
  placed_at: Date | null;
  updated_at: Date;
};

/** App code's reads of orders, from the order_summary read model. */
export function createOrderReader(pool: pg.Pool) {
  return {
    /**
     * The order's summary row, or undefined when there is none. With `atLeast`, waits until the
     * projection has passed that position first, so the row reflects every event up to it; a
     * projection that does not get there in time rejects with ProjectionWaitTimeoutError rather
     * than answering with an older row.
     */
    async getOrder(orderId: string, options: GetOrderOptions = {}): Promise<OrderView | undefined> {
      const { atLeast, timeoutMs } = options;
      const key = businessKey.safeParse(orderId);
      if (!key.success) throw new InvalidArgumentError('getOrder arguments', [{ field: 'orderId', rule: key.error.issues[0]?.message ?? 'must be a business key' }]);
      // Asked to wait but handed nothing (a state read before the run's first event): reading now could be stale.
      if ('atLeast' in options && atLeast === undefined) {
        throw new InvalidArgumentError('getOrder arguments', [{ field: 'atLeast', rule: 'must be a log position when given; the command reported none yet' }]);
      }
      if (atLeast !== undefined) await waitForProjection(pool, orderSummary.name, atLeast, timeoutMs === undefined ? {} : { timeoutMs });
      const { rows } = await pool.query<OrderSummarySelect>('select * from order_summary where order_id = $1', [orderId]);
      const row = rows[0];
      return row && toOrderView(row);
    },
  };
}

export type OrderReader = ReturnType<typeof createOrderReader>;

function toOrderView(row: OrderSummarySelect): OrderView {
  return {
    orderId: row.order_id,
    customerId: row.customer_id,
    status: row.status,
    totalCents: row.total_cents === null ? null : Number(row.total_cents),
    currency: row.currency,
    items: row.items,
    outcome: row.outcome,
    failedStep: row.failed_step,
    failureReason: row.failure_reason,
    resolvedBy: row.resolved_by,
    lastEventType: row.last_event_type,
    streamVersion: Number(row.last_stream_version),
    placedAt: row.placed_at,
    updatedAt: row.updated_at,
  };
}
