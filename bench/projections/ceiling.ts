import type pg from 'pg';
import { ORDER_EVENT_TYPES } from '../../processes/orderFulfillment/readModels/orderEvents';

export const CEILING_TABLE = 'order_summary_ceiling';

/**
 * The ceiling: order_summary computed by one INSERT … SELECT … GROUP BY over the log, no client in
 * the loop. It covers the bench's orders (completed, or declined and compensated, plus resolved
 * compensations); `differingRows` checks that it computes the same table as the rebuild.
 */
export async function computeCeiling(pool: pg.Pool, liveTable: string): Promise<void> {
  await pool.query(`drop table if exists ${CEILING_TABLE}`);
  await pool.query(`create table ${CEILING_TABLE} (like ${liveTable} including all)`);
  await pool.query(
    `insert into ${CEILING_TABLE} (order_id, stream_id, customer_id, status, total_cents, currency, items, outcome, failed_step,
                                   failure_reason, resolved_by, last_event_type, last_stream_version, placed_at, updated_at)
     select order_id, stream_id, customer_id,
            case last_type
              when 'OrderCompleted' then 'COMPLETED'
              when 'OrderCancelled' then case when resolved_by is not null then 'RESOLVED' else 'COMPENSATED' end
              when 'CompensationFailed' then 'COMPENSATION_FAILED'
              when 'FraudScreened' then case when fraud_rejected then 'COMPENSATING' else 'RUNNING' end
              when 'OrderPlaced' then 'RUNNING' when 'InventoryReserved' then 'RUNNING' when 'PaymentAuthorized' then 'RUNNING'
              when 'ShipmentCreated' then 'RUNNING' when 'PaymentCaptured' then 'RUNNING'
              else 'COMPENSATING' end,
            total_cents, currency, coalesce(items, '[]'::jsonb),
            case last_type when 'OrderCompleted' then 'COMPLETED'
                           when 'OrderCancelled' then case when resolved_by is not null then 'COMPENSATION_FAILED' else 'COMPENSATED' end end,
            coalesce(cancelled_step, case when declined_reason is not null then 'authorizePayment' when fraud_rejected then 'screenOrder' end),
            coalesce(cancelled_reason, declined_reason),
            resolved_by, last_type, last_version, placed_at, updated_at
       from (select e.data->>'orderId' as order_id, min(e.stream_id) as stream_id,
                    max(e.data->>'customerId') filter (where e.event_type = 'OrderPlaced') as customer_id,
                    max((e.data->>'totalCents')::bigint) filter (where e.event_type = 'OrderPlaced') as total_cents,
                    max(e.data->>'currency') filter (where e.event_type = 'OrderPlaced') as currency,
                    (array_agg(e.data->'items') filter (where e.event_type = 'OrderPlaced'))[1] as items,
                    bool_or(e.event_type = 'FraudScreened' and e.data->>'decision' = 'rejected') as fraud_rejected,
                    max(e.data->>'reason') filter (where e.event_type = 'PaymentDeclined') as declined_reason,
                    max(e.data->>'failedStep') filter (where e.event_type = 'OrderCancelled') as cancelled_step,
                    max(e.data->>'reason') filter (where e.event_type = 'OrderCancelled') as cancelled_reason,
                    max(e.data->>'resolvedBy') filter (where e.event_type = 'CompensationResolved') as resolved_by,
                    (array_agg(e.event_type order by e.version desc))[1] as last_type,
                    max(e.version) as last_version,
                    -- the read model keeps event times as JavaScript dates do: to the millisecond
                    date_trunc('milliseconds', min(e.created_at) filter (where e.event_type = 'OrderPlaced')) as placed_at,
                    date_trunc('milliseconds', max(e.created_at)) as updated_at
               from events e
              where e.event_type = any($1::text[])
              group by e.data->>'orderId') o`,
    [ORDER_EVENT_TYPES],
  );
}

/** Rows in one table and not the other, both ways: 0 when the ceiling computed the same table. */
export async function differingRows(pool: pg.Pool, a: string, b: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `select count(*) as n from ((select * from ${a} except all select * from ${b}) union all (select * from ${b} except all select * from ${a})) d`,
  );
  return Number(rows[0]!.n);
}
