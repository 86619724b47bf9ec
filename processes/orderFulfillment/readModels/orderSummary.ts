import type { OrderItem } from '../domainEvents';
import type { StoredEvent } from '../../../api/projections';
import { defineProjection, evolveSagaSummary, type SagaSummaryColumns, foldStreamRows, type StreamRow } from '../../../api/projections';
import { ORDER_SAGA_FACTS, ORDER_STREAM_EVENT_TYPES, asOrderEvent, orderIdOf } from './orderEvents';
import { orderSummaryFoldSql } from './orderSummaryFold';

/** Where an order's saga stands, in the saga's own vocabulary (the SagaStatus search attribute). */
export type OrderSagaStatus = SagaSummaryColumns['status'];
/** How it ended: as the saga reports it (a compensation resolved by hand ends COMPENSATION_FAILED). */
export type OrderOutcome = NonNullable<SagaSummaryColumns['outcome']>;

export interface OrderSummaryRow extends StreamRow {
  order_id: string;
  stream_id: string;
  customer_id: string | null;
  status: OrderSagaStatus;
  total_cents: number | null;
  currency: string | null;
  items: OrderItem[];
  outcome: OrderOutcome | null;
  failed_step: string | null;
  failure_reason: string | null;
  /** Who resolved a failed compensation by hand, if anyone did. */
  resolved_by: string | null;
  last_event_type: string;
  placed_at: string | null;
  /** The time of the last event applied (not of the projection's write): a rebuild gives the same rows. */
  updated_at: string;
}

/** One row per order: its saga status, total, items, outcome and failed step, and the last event seen. */
export const orderSummary = defineProjection({
  name: 'order_summary',
  // v2 reads the engine's saga events (SagaCompleted, …) besides the order's own.
  version: 2,
  eventTypes: ORDER_STREAM_EVENT_TYPES,
  tables: ['order_summary'],
  setup: (t) => `
    create table ${t.order_summary} (
      order_id            text        primary key,
      stream_id           text        not null,
      customer_id         text,
      status              text        not null,
      total_cents         bigint,
      currency            text,
      items               jsonb       not null,
      outcome             text,
      failed_step         text,
      failure_reason      text,
      resolved_by         text,
      last_event_type     text        not null,
      last_stream_version bigint      not null,
      placed_at           timestamptz,
      updated_at          timestamptz not null
    );
    create index ${t.order_summary}_status_idx on ${t.order_summary} (status, updated_at);`,
  apply: (events, tx, t) =>
    foldStreamRows<OrderSummaryRow>(tx, { table: t.order_summary, key: 'order_id', keyOf: orderIdOf, evolve: evolveOrderSummary }, events.filter(ORDER_SAGA_FACTS.concerns)),
  // Rebuilds fold a million events in seconds this way instead of the better part of a minute.
  foldInSql: (t) => [orderSummaryFoldSql(t.order_summary)],
});

/** The summary after one more event of the order's stream. */
export function evolveOrderSummary(row: OrderSummaryRow | undefined, stored: StoredEvent): OrderSummaryRow {
  const at = stored.createdAt.toISOString();
  const current: OrderSummaryRow = row ?? {
    order_id: orderIdOf(stored),
    stream_id: stored.streamId,
    customer_id: null,
    status: 'RUNNING',
    total_cents: null,
    currency: null,
    items: [],
    outcome: null,
    failed_step: null,
    failure_reason: null,
    resolved_by: null,
    last_event_type: stored.type,
    last_stream_version: 0,
    placed_at: null,
    updated_at: at,
  };
  const next: OrderSummaryRow = { ...current, last_event_type: stored.type, last_stream_version: stored.version, updated_at: at };
  const event = asOrderEvent(stored);
  switch (event.type) {
    case 'OrderPlaced':
      return { ...next, customer_id: event.data.customerId, items: event.data.items, total_cents: event.data.totalCents, currency: event.data.currency, placed_at: at };
    case 'InventoryReserved':
    case 'PaymentAuthorized':
    case 'ShipmentCreated':
    case 'PaymentCaptured':
      return next;
    case 'PaymentDeclined':
      return { ...next, status: 'COMPENSATING', failed_step: 'authorizePayment', failure_reason: event.data.reason };
    case 'FraudScreened':
      return event.data.decision === 'rejected'
        ? { ...next, status: 'COMPENSATING', failed_step: 'screenOrder', failure_reason: `fraud score ${event.data.score}: ${event.data.reasons.join('; ') || 'no reason given'}` }
        : next;
    case 'InventoryReleased':
    case 'PaymentVoided':
    case 'ShipmentCancelled':
    case 'PaymentRefunded':
      return { ...next, status: 'COMPENSATING' };
    default:
      return evolveSagaSummary(next, ORDER_SAGA_FACTS.factOf(event.type)!, event.data);
  }
}
