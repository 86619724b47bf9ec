import type pg from 'pg';
import type { OrderEvent } from '../domainEvents';
import type { StoredEvent } from '../../../api/projections';
import { defineProjection } from '../../../api/projections';
import { ORDER_SAGA_FACTS, ORDER_STREAM_EVENT_TYPES, asOrderEvent, orderIdOf, stepOf } from './orderEvents';
import { orderTimelineFoldSql } from './orderTimelineFold';

/** Every step of every order with its time; compensations marked, with the step each undoes. */
export const orderTimeline = defineProjection({
  name: 'order_timeline',
  // v2 reads the engine's saga events (SagaCompleted, …) besides the order's own.
  version: 2,
  eventTypes: ORDER_STREAM_EVENT_TYPES,
  tables: ['order_timeline'],
  setup: (t) => `
    create table ${t.order_timeline} (
      order_id        text        not null,
      stream_version  bigint      not null,
      global_position bigint      not null,
      event_id        uuid        not null,
      event_type      text        not null,
      step            text        not null,
      -- true for an undo (release, void, cancel shipment, refund) and for its failure or resolution
      compensation    boolean     not null,
      compensates     text,
      -- done, failed (a declined payment, a compensation out of retries) or resolved (by an operator)
      result          text        not null,
      detail          text,
      occurred_at     timestamptz not null,
      primary key (order_id, stream_version)
    );`,
  // One row per stream version: a replayed event hits its own row and is ignored.
  apply: async (events, tx, t) => insertTimelineRows(tx, t.order_timeline, events),
  foldInSql: (t) => [orderTimelineFoldSql(t.order_timeline)],
});

async function insertTimelineRows(tx: pg.PoolClient, table: string, events: readonly StoredEvent[]): Promise<void> {
  const rows = events.filter(ORDER_SAGA_FACTS.concerns).map((stored) => {
    const event = asOrderEvent(stored);
    const { step, compensates, failed } = stepOf(event);
    return {
      order_id: orderIdOf(stored),
      stream_version: stored.version,
      global_position: stored.globalPosition,
      event_id: stored.eventId,
      event_type: stored.type,
      step,
      compensation: compensates !== undefined,
      compensates: compensates ?? null,
      result: failed ? 'failed' : event.type === 'CompensationResolved' ? 'resolved' : 'done',
      detail: detailOf(event),
      occurred_at: stored.createdAt.toISOString(),
    };
  });
  await tx.query(
    `insert into ${tx.escapeIdentifier(table)}
     select * from jsonb_populate_recordset(null::${tx.escapeIdentifier(table)}, $1::jsonb)
     on conflict (order_id, stream_version) do nothing`,
    [JSON.stringify(rows)],
  );
}

function detailOf(event: OrderEvent): string | null {
  switch (event.type) {
    case 'OrderPlaced':
      return `${event.data.items.map((item) => `${item.quantity} × ${item.sku}`).join(', ')}; total ${event.data.totalCents} cents ${event.data.currency}`;
    case 'InventoryReserved':
      return `reservation ${event.data.reservationId}`;
    case 'PaymentAuthorized':
    case 'PaymentCaptured':
      return `${event.data.amountCents} cents, payment ${event.data.paymentId}`;
    case 'ShipmentCreated':
      return `shipment ${event.data.shipmentId} with ${event.data.carrier}`;
    case 'FraudScreened':
      return `${event.data.decision}, score ${event.data.score}${event.data.reasons.length ? `: ${event.data.reasons.join('; ')}` : ''}`;
    case 'InventoryReleased':
    case 'PaymentDeclined':
    case 'PaymentVoided':
    case 'ShipmentCancelled':
    case 'PaymentRefunded':
    case 'OrderCancelled':
      return event.data.reason;
    case 'CompensationFailed':
      return `${event.data.error} (after ${event.data.attempts} attempts)`;
    case 'CompensationResolved':
      return `${event.data.note} (by ${event.data.resolvedBy})`;
    case 'OrderCompleted':
      return null;
  }
}
