import { ORDER_SAGA_TYPE } from './orderEvents';

/**
 * saga_outcome_orders' fold as one set-based statement over the events in `log` (see `foldInSql`):
 * per order, the outcome of its last ending event (OrderCancelled counts as COMPENSATION_FAILED when
 * a resolution came before it), the failed step of its last OrderCancelled, as `evolveSagaOutcome`
 * sets them one event at a time. A change there must be made here too: the equivalence test and
 * every rebuild's verification compare the two. The saga_outcomes view counts over this table.
 */
export function sagaOutcomesFoldSql(table: string): string {
  return `insert into ${table} (order_id, saga_type, outcome, failed_step, resolved, finished_at, last_stream_version)
  select order_id, '${ORDER_SAGA_TYPE}',
         case last_end_type
           when 'OrderCompleted' then 'COMPLETED'
           when 'OrderCancelled' then case when first_resolved < last_end_version then 'COMPENSATION_FAILED' else 'COMPENSATED' end
         end,
         failed_step, first_resolved is not null, finished_at, last_stream_version
    from (select l.data->>'orderId' as order_id,
                 (array_agg(l.event_type order by l.version desc) filter (where l.event_type <> 'CompensationResolved'))[1] as last_end_type,
                 max(l.version) filter (where l.event_type <> 'CompensationResolved') as last_end_version,
                 (array_agg(date_trunc('milliseconds', l.created_at) order by l.version desc) filter (where l.event_type <> 'CompensationResolved'))[1] as finished_at,
                 (array_agg(l.data->>'failedStep' order by l.version desc) filter (where l.event_type = 'OrderCancelled'))[1] as failed_step,
                 min(l.version) filter (where l.event_type = 'CompensationResolved') as first_resolved,
                 max(l.version) as last_stream_version
            from log l
           group by l.data->>'orderId') o`;
}
