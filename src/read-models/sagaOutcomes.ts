import type { StoredEvent } from '../projections';
import { defineProjection } from '../projections';
import { ORDER_SAGA_TYPE, asOrderEvent, orderIdOf } from './orderEvents';
import type { OrderOutcome } from './orderSummary';
import { sagaOutcomesFoldSql } from './sagaOutcomesFold';
import { foldStreamRows, type StreamRow } from './streamRows';

export interface SagaOutcomeOrderRow extends StreamRow {
  order_id: string;
  saga_type: string;
  /** Null until the saga ends. */
  outcome: OrderOutcome | null;
  failed_step: string | null;
  resolved: boolean;
  finished_at: string | null;
}

/**
 * How sagas end: count per saga type, outcome and failed step, per hour. A counter bumped per event
 * would count a replayed event twice, so the counts are computed from one row per order (itself
 * guarded by stream version): `saga_outcomes` is a view over `saga_outcome_orders`.
 */
export const sagaOutcomes = defineProjection({
  name: 'saga_outcomes',
  version: 1,
  eventTypes: ['CompensationResolved', 'OrderCompleted', 'OrderCancelled'],
  tables: ['saga_outcome_orders', 'saga_outcomes'],
  setup: (t) => `
    create table ${t.saga_outcome_orders} (
      order_id            text        primary key,
      saga_type           text        not null,
      outcome             text,
      failed_step         text,
      resolved            boolean     not null,
      finished_at         timestamptz,
      last_stream_version bigint      not null
    );
    create index ${t.saga_outcome_orders}_finished_idx on ${t.saga_outcome_orders} (finished_at) where outcome is not null;
    create view ${t.saga_outcomes} as
      select saga_type, outcome, failed_step, date_trunc('hour', finished_at) as hour, count(*) as sagas
        from ${t.saga_outcome_orders}
       where outcome is not null
       group by saga_type, outcome, failed_step, date_trunc('hour', finished_at);`,
  apply: (events, tx, t) =>
    foldStreamRows<SagaOutcomeOrderRow>(tx, { table: t.saga_outcome_orders, key: 'order_id', keyOf: orderIdOf, evolve: evolveSagaOutcome }, events),
  foldInSql: (t) => [sagaOutcomesFoldSql(t.saga_outcome_orders)],
});

export function evolveSagaOutcome(row: SagaOutcomeOrderRow | undefined, stored: StoredEvent): SagaOutcomeOrderRow {
  const current: SagaOutcomeOrderRow = row ?? {
    order_id: orderIdOf(stored),
    saga_type: ORDER_SAGA_TYPE,
    outcome: null,
    failed_step: null,
    resolved: false,
    finished_at: null,
    last_stream_version: 0,
  };
  const next = { ...current, last_stream_version: stored.version };
  const event = asOrderEvent(stored);
  switch (event.type) {
    case 'CompensationResolved':
      return { ...next, resolved: true };
    case 'OrderCompleted':
      return { ...next, outcome: 'COMPLETED', finished_at: stored.createdAt.toISOString() };
    case 'OrderCancelled':
      return {
        ...next,
        outcome: next.resolved ? 'COMPENSATION_FAILED' : 'COMPENSATED',
        failed_step: event.data.failedStep ?? null,
        finished_at: stored.createdAt.toISOString(),
      };
    default:
      return next;
  }
}
