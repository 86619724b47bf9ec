import { ORDER_SAGA_FACTS } from './orderEvents';

/**
 * order_summary's fold as one set-based statement over the events in `log` (see `foldInSql`): for
 * each order, every column is the value its last setting event gave it, by stream version, as
 * `evolveOrderSummary` sets it one event at a time. An order's stream is its only writer, so grouping
 * by order id groups one stream. It reads the order saga's engine events as the order's own types
 * (ORDER_SAGA_FACTS), as `asOrderEvent` does. Times are cut to the millisecond, as JavaScript dates hold them.
 * A change to `evolveOrderSummary` must be made here too: the equivalence test and every rebuild's
 * verification compare the two.
 */
export function orderSummaryFoldSql(table: string): string {
  return `insert into ${table} (order_id, stream_id, customer_id, status, total_cents, currency, items, outcome, failed_step,
                                failure_reason, resolved_by, last_event_type, last_stream_version, placed_at, updated_at)
  select order_id, stream_id, placed->>'customerId', coalesce(status, 'RUNNING'), (placed->>'totalCents')::bigint, placed->>'currency',
         coalesce(placed->'items', '[]'::jsonb), outcome, failed_step, failure_reason, resolved_by, last_event_type, last_stream_version,
         placed_at, updated_at
    -- OrderCancelled ends an order COMPENSATED, or RESOLVED when a resolution came before it.
    from (select order_id, stream_id, placed, failed_step, failure_reason, resolved_by, last_event_type, last_stream_version, placed_at, updated_at,
                 case when last_status = 'CANCELLED' then case when first_resolved < last_status_version then 'RESOLVED' else 'COMPENSATED' end else last_status end as status,
                 case when last_outcome = 'CANCELLED' then case when first_resolved < last_outcome_version then 'COMPENSATION_FAILED' else 'COMPENSATED' end else last_outcome end as outcome
            from (select s.order_id, min(s.stream_id) as stream_id,
                         (array_agg(s.placed order by s.version desc) filter (where s.placed is not null))[1] as placed,
                         (array_agg(s.created_at order by s.version desc) filter (where s.placed is not null))[1] as placed_at,
                         (array_agg(s.step order by s.version desc) filter (where s.step is not null))[1] as failed_step,
                         (array_agg(s.reason order by s.version desc) filter (where s.reason is not null))[1] as failure_reason,
                         (array_agg(s.resolved_by order by s.version desc) filter (where s.resolution))[1] as resolved_by,
                         min(s.version) filter (where s.resolution) as first_resolved,
                         (array_agg(s.status order by s.version desc) filter (where s.status is not null))[1] as last_status,
                         (array_agg(s.version order by s.version desc) filter (where s.status is not null))[1] as last_status_version,
                         (array_agg(s.outcome order by s.version desc) filter (where s.outcome is not null))[1] as last_outcome,
                         (array_agg(s.version order by s.version desc) filter (where s.outcome is not null))[1] as last_outcome_version,
                         (array_agg(s.event_type order by s.version desc))[1] as last_event_type,
                         max(s.version) as last_stream_version,
                         (array_agg(s.created_at order by s.version desc))[1] as updated_at
                    -- Only what the aggregates read is carried into the sort by order: a whole payload only for OrderPlaced.
                    from (select l.data->>'orderId' as order_id, l.stream_id, l.version, l.event_type,
                                 date_trunc('milliseconds', l.created_at) as created_at,
                                 case when l.type = 'OrderPlaced' then l.data end as placed,
                                 l.type = 'CompensationResolved' as resolution,
                                 case when l.type = 'CompensationResolved' then l.data->>'resolvedBy' end as resolved_by,
                                 case l.type
                                   when 'PaymentDeclined' then 'COMPENSATING'
                                   when 'FraudScreened' then case when l.data->>'decision' = 'rejected' then 'COMPENSATING' end
                                   when 'InventoryReleased' then 'COMPENSATING' when 'PaymentVoided' then 'COMPENSATING'
                                   when 'ShipmentCancelled' then 'COMPENSATING' when 'PaymentRefunded' then 'COMPENSATING'
                                   when 'CompensationFailed' then 'COMPENSATION_FAILED'
                                   when 'CompensationResolved' then 'COMPENSATING'
                                   when 'OrderCompleted' then 'COMPLETED'
                                   when 'OrderCancelled' then 'CANCELLED'
                                 end as status,
                                 case l.type when 'OrderCompleted' then 'COMPLETED' when 'OrderCancelled' then 'CANCELLED' end as outcome,
                                 case l.type
                                   when 'PaymentDeclined' then 'authorizePayment'
                                   when 'FraudScreened' then case when l.data->>'decision' = 'rejected' then 'screenOrder' end
                                   when 'OrderCancelled' then l.data->>'failedStep'
                                 end as step,
                                 case l.type
                                   when 'PaymentDeclined' then l.data->>'reason'
                                   when 'FraudScreened' then case when l.data->>'decision' = 'rejected' then
                                     'fraud score ' || (l.data->>'score') || ': ' ||
                                     coalesce(nullif(array_to_string(array(select jsonb_array_elements_text(l.data->'reasons')), '; '), ''), 'no reason given') end
                                   when 'OrderCancelled' then l.data->>'reason'
                                 end as reason
                            from ${ORDER_SAGA_FACTS.sqlLog()} l offset 0) s
                   group by s.order_id) folded) o`;
}
